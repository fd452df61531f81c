"""Stub: replaced by this area's pages."""

from django.http import HttpRequest, HttpResponse

from juzhu.web.pages import staff_page


@staff_page("read")
def queue(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("workbench.queue")


@staff_page("read")
def case(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("workbench.case")

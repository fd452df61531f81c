"""Stub: replaced by this area's pages."""

from django.http import HttpRequest, HttpResponse

from juzhu.web.pages import staff_page


@staff_page("read")
def find(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("counter.find")


@staff_page("read")
def person(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("counter.person")

"""Stub: replaced by this area's pages."""

from django.http import HttpRequest, HttpResponse

from juzhu.web.pages import staff_page


@staff_page("decide")
def dashboard(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("dashboard.dashboard")

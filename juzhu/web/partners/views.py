"""Stub: replaced by this area's pages."""

from django.http import HttpRequest, HttpResponse

from juzhu.web.pages import staff_page


@staff_page("employer")
def employer_home(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("partners.employer_home")


@staff_page("share")
def department_home(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("partners.department_home")

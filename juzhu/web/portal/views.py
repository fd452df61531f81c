"""Stub: replaced by this area's pages."""

from django.http import HttpRequest, HttpResponse


def guide(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("portal.guide")


def check(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("portal.check")


def apply(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("portal.apply")


def progress(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("portal.progress")

"""Stub: replaced by this area's pages."""

from django.http import HttpRequest, HttpResponse


def permit(request: HttpRequest, **kwargs: object) -> HttpResponse:
    return HttpResponse("holder.permit")

"""The start page, sign-in and sign-out.  Each area of pages lives in its own package."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from juzhu.accounts.models import Role
from juzhu.accounts.selectors import staff_profile
from juzhu.registry.selectors import jurisdiction

HOME_BY_ROLE: dict[str, str] = {
    Role.CLERK: "web:wb-queue",
    Role.SUPERVISOR: "web:wb-queue",
    Role.ADMINISTRATOR: "web:wb-queue",
    Role.EMPLOYER: "web:employer-home",
    Role.DEPARTMENT: "web:dept-home",
    Role.AUDITOR: "web:audit-report",
}


def home(request: HttpRequest) -> HttpResponse:
    """Signed-in staff go to their role's first page; everyone else sees the applicant portal."""
    profile = staff_profile(request.user)
    if profile is not None and profile.role in HOME_BY_ROLE:
        return redirect(HOME_BY_ROLE[profile.role])
    return render(request, "web/home.html", {"registration_months": jurisdiction().registration_months})


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return "/"


class LogoutView(auth_views.LogoutView):
    next_page = "/"

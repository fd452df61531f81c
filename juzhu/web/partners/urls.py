"""Employer pages (``/employer/…``, capability "employer") and department pages (``/department/…``, "share")."""

from django.urls import path

from juzhu.web import converters  # noqa: F401  (registers <id:…>)
from juzhu.web.partners import department, employer

urlpatterns = [
    path("employer/", employer.employer_home, name="employer-home"),
    path("employer/roster-template.xlsx", employer.employer_roster_template, name="employer-roster-template"),
    path("employer/<id:employer_id>/", employer.employer_detail, name="employer-detail"),
    path("employer/<id:employer_id>/roster/", employer.employer_roster, name="employer-roster"),
    path(
        "employer/<id:employer_id>/roster.xlsx",
        employer.employer_roster_export,
        name="employer-roster-export",
    ),
    path(
        "employer/<id:employer_id>/staff-options/",
        employer.employer_staff_options,
        name="employer-staff-options",
    ),
    path("employer/<id:employer_id>/due/", employer.employer_due_preview, name="employer-due"),
    path("employer/<id:employer_id>/hire/", employer.employer_hire, name="employer-hire"),
    path("employer/<id:employer_id>/departure/", employer.employer_departure, name="employer-departure"),
    path("employer/<id:employer_id>/import/", employer.employer_import, name="employer-import"),
    path(
        "employer/<id:employer_id>/import/confirm/",
        employer.employer_import_confirm,
        name="employer-import-confirm",
    ),
    path("department/", department.department_home, name="dept-home"),
    path("department/verify/", department.department_verify, name="dept-verify"),
    path("department/check/", department.department_check, name="dept-check"),
    path("department/access-log/", department.department_access_log, name="dept-access-log"),
]

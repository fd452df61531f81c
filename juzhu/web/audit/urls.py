"""The audit administrator's pages (``/audit/…``, capability "audit")."""

from django.urls import path

from juzhu.web import converters  # noqa: F401  (registers <id:…>)
from juzhu.web.audit import views

urlpatterns = [
    path("audit/", views.report, name="audit-report"),
    path("audit/accounts/<id:pk>/", views.account, name="audit-account"),
    path("audit/persons/<id:pk>/", views.person, name="audit-person"),
    path("audit/trail/", views.trail, name="audit-trail"),
]

from django.urls import path

from juzhu.web import converters  # noqa: F401  (registers <id:…>)
from juzhu.web.portal import proof, views

urlpatterns = [
    path("guide/", views.guide, name="portal-guide"),
    path("check/", views.check, name="portal-check"),
    path("code/", proof.code_screen, name="portal-code"),
    path("apply/", views.apply, name="portal-apply"),
    path("apply/materials/", views.apply_materials, name="portal-apply-materials"),
    path("apply/done/", views.apply_done, name="portal-apply-done"),
    path("progress/", views.progress, name="portal-progress"),
    path("progress/forget/", views.progress_forget, name="portal-progress-forget"),
    path("progress/documents/<id:upload_id>/", views.progress_document, name="portal-document"),
    path("progress/notice.pdf", views.progress_notice_pdf, name="portal-notice-pdf"),
    path("progress/supplement/", views.progress_supplement, name="portal-supplement"),
]

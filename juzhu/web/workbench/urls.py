from django.urls import path

from juzhu.web import converters  # noqa: F401  (registers <id:…>)
from juzhu.web.workbench import views

urlpatterns = [
    path("hall/", views.queue, name="wb-queue"),
    path("hall/applications/<id:pk>/", views.case, name="wb-case"),
    path("hall/applications/<id:pk>/<slug:action>/", views.case_action, name="wb-case-action"),
    path("hall/uploads/<id:pk>", views.upload, name="wb-upload"),
    path("hall/print/notice/<id:notice_pk>.pdf", views.print_notice, name="print-notice"),
    path("hall/print/card/<str:permit_number>.pdf", views.print_card, name="print-card"),
    path("hall/print/receipt/<id:receipt_pk>.pdf", views.print_receipt, name="print-receipt"),
    path("hall/print/decision/<id:case_pk>.pdf", views.print_decision, name="print-decision"),
]

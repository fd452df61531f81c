from django.urls import path, register_converter

from juzhu.web.workbench import views


class RowId:
    """A row id that fits a 64-bit key: a longer number is a 404, never a database overflow (500)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RowId, "wb_id")

urlpatterns = [
    path("hall/", views.queue, name="wb-queue"),
    path("hall/applications/<wb_id:pk>/", views.case, name="wb-case"),
    path("hall/applications/<wb_id:pk>/<slug:action>/", views.case_action, name="wb-case-action"),
    path("hall/uploads/<wb_id:pk>", views.upload, name="wb-upload"),
    path("hall/print/notice/<wb_id:notice_pk>.pdf", views.print_notice, name="print-notice"),
    path("hall/print/card/<str:permit_number>.pdf", views.print_card, name="print-card"),
    path("hall/print/receipt/<wb_id:receipt_pk>.pdf", views.print_receipt, name="print-receipt"),
    path("hall/print/decision/<wb_id:case_pk>.pdf", views.print_decision, name="print-decision"),
]

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from juzhu.epermit.models import SigningKey


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin[SigningKey]):
    list_display = ["kid", "created", "retired"]
    fields = ["kid", "created", "retired"]
    readonly_fields = ["kid", "created", "retired"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

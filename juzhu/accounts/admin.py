from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from juzhu.accounts.models import ApiToken, StaffProfile


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin[StaffProfile]):
    list_display = ["user", "role", "division_code", "police_station"]
    list_filter = ["role"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "user", "prefix", "created", "last_used", "revoked"]
    fields = ["user", "name", "revoked", "prefix", "created", "last_used"]
    readonly_fields = ["prefix", "created", "last_used"]

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token, key = ApiToken.issue(obj.user, obj.name)
        obj.pk = token.pk
        obj.prefix, obj.key_hash, obj.created = token.prefix, token.key_hash, token.created
        messages.warning(request, f"令牌只显示这一次，请妥善保存 / Shown once, keep it safe: {key}")

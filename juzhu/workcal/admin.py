from django.contrib import admin

from juzhu.workcal.models import DeclaredYear, HolidayOverride


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin[HolidayOverride]):
    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"


@admin.register(DeclaredYear)
class DeclaredYearAdmin(admin.ModelAdmin[DeclaredYear]):
    list_display = ["year", "note"]

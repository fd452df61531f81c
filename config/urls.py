from django.contrib import admin
from django.urls import include, path

from juzhu.api.urls import api
from juzhu.epermit.views import verify_page

admin.site.site_header = "居住证管理系统（临河区）"
admin.site.site_title = "Juzhu 居住"
admin.site.index_title = "管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("v/<str:token>", verify_page, name="epermit-verify"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("juzhu.web.urls")),
]

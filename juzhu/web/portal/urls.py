from django.urls import path

from juzhu.web.portal import views

urlpatterns = [
    path("guide/", views.guide, name="portal-guide"),
    path("check/", views.check, name="portal-check"),
    path("apply/", views.apply, name="portal-apply"),
    path("progress/", views.progress, name="portal-progress"),
]

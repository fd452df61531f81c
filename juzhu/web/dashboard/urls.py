from django.urls import path

from juzhu.web.dashboard import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
]

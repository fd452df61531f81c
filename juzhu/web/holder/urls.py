from django.urls import path

from juzhu.web.holder import views

urlpatterns = [
    path("permit/", views.permit, name="holder-permit"),
]

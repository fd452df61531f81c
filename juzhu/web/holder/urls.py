from django.urls import path

from juzhu.web.holder import views

urlpatterns = [
    path("permit/", views.permit, name="holder-permit"),
    path("permit/contact/", views.contact, name="holder-contact"),
    path("permit/leave/", views.leave, name="holder-leave"),
]

from django.urls import path

from juzhu.web.workbench import views

urlpatterns = [
    path("hall/", views.queue, name="wb-queue"),
    path("hall/applications/<int:pk>/", views.case, name="wb-case"),
]

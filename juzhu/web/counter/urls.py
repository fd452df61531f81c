from django.urls import path

from juzhu.web.counter import views

urlpatterns = [
    path("hall/find/", views.find, name="counter-find"),
    path("hall/persons/<int:pk>/", views.person, name="counter-person"),
]

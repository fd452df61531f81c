from django.urls import path

from juzhu.web import converters  # noqa: F401  (registers <id:…>)
from juzhu.web.counter import views

urlpatterns = [
    path("hall/find/", views.find, name="counter-find"),
    path("hall/register/", views.register, name="counter-register"),
    path("hall/persons/<id:pk>/", views.person, name="counter-person"),
    path("hall/persons/<id:pk>/register/", views.register, name="counter-register-person"),
    path("hall/persons/<id:pk>/apply/", views.apply, name="counter-apply"),
    path("hall/persons/<id:pk>/endorse/", views.endorse, name="counter-endorse"),
    path("hall/persons/<id:pk>/address/", views.change_address, name="counter-address"),
    path("hall/persons/<id:pk>/cases/warn/", views.case_warn, name="counter-case-warn"),
    path("hall/cases/<id:case_pk>/<str:action>/", views.case_step, name="counter-case-step"),
]

from django.urls import path

from juzhu.web.counter import views

urlpatterns = [
    path("hall/find/", views.find, name="counter-find"),
    path("hall/register/", views.register, name="counter-register"),
    path("hall/persons/<int:pk>/", views.person, name="counter-person"),
    path("hall/persons/<int:pk>/register/", views.register, name="counter-register-person"),
    path("hall/persons/<int:pk>/apply/", views.apply, name="counter-apply"),
    path("hall/persons/<int:pk>/endorse/", views.endorse, name="counter-endorse"),
    path("hall/persons/<int:pk>/address/", views.change_address, name="counter-address"),
    path("hall/persons/<int:pk>/cases/warn/", views.case_warn, name="counter-case-warn"),
    path("hall/cases/<int:case_pk>/<str:action>/", views.case_step, name="counter-case-step"),
]

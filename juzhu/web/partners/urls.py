from django.urls import path

from juzhu.web.partners import views

urlpatterns = [
    path("employer/", views.employer_home, name="employer-home"),
    path("department/", views.department_home, name="dept-home"),
]

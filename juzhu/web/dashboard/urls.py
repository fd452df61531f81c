from django.urls import path, re_path

from juzhu.web.dashboard import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    re_path(
        r"^dashboard/(?P<figure>{})\.csv$".format("|".join(views.CSV_FIGURES)),
        views.figure_csv,
        name="dashboard-csv",
    ),
]

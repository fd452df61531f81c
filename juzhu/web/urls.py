"""Pages for people.  Each area owns its routes; all names live in the ``web`` namespace."""

from django.urls import path

from juzhu.web import views
from juzhu.web.audit import urls as audit
from juzhu.web.counter import urls as counter
from juzhu.web.dashboard import urls as dashboard
from juzhu.web.holder import urls as holder
from juzhu.web.partners import urls as partners
from juzhu.web.portal import urls as portal
from juzhu.web.workbench import urls as workbench

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    *portal.urlpatterns,
    *holder.urlpatterns,
    *workbench.urlpatterns,
    *counter.urlpatterns,
    *partners.urlpatterns,
    *dashboard.urlpatterns,
    *audit.urlpatterns,
]

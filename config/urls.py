from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as account_views

admin.site.site_header = admin.site.site_title = _("Huanjie administration")
admin.site.index_title = _("Data management")

handler403 = "accounts.permissions.permission_denied"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("elections/", include("elections.urls")),
    path("candidates/", include("candidates.urls")),
    path("sheets/", include("sheets.urls")),
    path("petitions/", include("petitions.urls")),
    path("audits/", include("audits.urls")),
    path("oversight/", include("oversight.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]

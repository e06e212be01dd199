from django.urls import path

from audits import views

app_name = "audits"
urlpatterns = [
    path("", views.audit_list, name="audit_list"),
    path("export/", views.audit_export, name="audit_export"),
    path("findings/export/", views.finding_export, name="finding_export"),
    path("new/", views.audit_create, name="audit_create"),
    path("<int:pk>/", views.audit_detail, name="audit_detail"),
    path("<int:pk>/edit/", views.audit_edit, name="audit_edit"),
    path("<int:pk>/done/", views.audit_done, name="audit_done"),
    path("<int:pk>/reopen/", views.audit_reopen, name="audit_reopen"),
    path("<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path("findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
    path("findings/<int:pk>/delete/", views.finding_delete, name="finding_delete"),
]

from django.urls import path

from sheets import views

app_name = "sheets"

urlpatterns = [
    path("import/", views.import_start, name="import_start"),
    path("templates/<slug:kind>/", views.template_download, name="template_download"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/confirm/", views.job_confirm, name="job_confirm"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="job_cancel"),
    path("jobs/<int:pk>/errors/", views.job_error_file, name="job_error_file"),
]

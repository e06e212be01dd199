from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_index, name="report_index"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/progress/", views.report_progress, name="report_progress"),
    path("<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("<int:pk>/xlsx/", views.report_xlsx, name="report_xlsx"),
    path("<int:pk>/html/", views.report_html, name="report_html"),
    path("measures/", views.measures, name="measures"),
    path("sections/", views.section_list, name="section_list"),
    path("sections/new/", views.section_edit, name="section_create"),
    path("sections/<int:pk>/", views.section_edit, name="section_edit"),
    path("sections/<int:pk>/delete/", views.section_delete, name="section_delete"),
]

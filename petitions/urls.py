from django.urls import path

from petitions import views

app_name = "petitions"
urlpatterns = [
    path("", views.petition_list, name="petition_list"),
    path("export/", views.petition_export, name="petition_export"),
    path("new/", views.petition_create, name="petition_create"),
    path("<int:pk>/", views.petition_detail, name="petition_detail"),
    path("<int:pk>/edit/", views.petition_edit, name="petition_edit"),
    path("<int:pk>/reveal/", views.petition_reveal, name="petition_reveal"),
    path("<int:pk>/accept/", views.petition_accept, name="petition_accept"),
    path("<int:pk>/decline/", views.petition_decline, name="petition_decline"),
    path("<int:pk>/transfer/", views.petition_transfer, name="petition_transfer"),
    path("<int:pk>/investigate/", views.petition_investigate, name="petition_investigate"),
    path("<int:pk>/answer/", views.petition_answer, name="petition_answer"),
    path("<int:pk>/close/", views.petition_close, name="petition_close"),
    path("<int:pk>/extend/", views.petition_extend, name="petition_extend"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]

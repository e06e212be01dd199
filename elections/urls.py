from django.urls import path

from elections import views

app_name = "elections"
urlpatterns = [
    path("progress/", views.city_progress, name="city_progress"),
    path("counties/<int:pk>/", views.county_progress, name="county_progress"),
    path("villages/", views.village_list, name="village_list"),
    path("villages/export/", views.village_export, name="village_export"),
    path("villages/new/", views.village_create, name="village_create"),
    path("villages/<int:pk>/", views.village_detail, name="village_detail"),
    path("villages/<int:pk>/edit/", views.village_edit, name="village_edit"),
    path("elections/<int:pk>/edit/", views.election_edit, name="election_edit"),
    path("elections/<int:pk>/row/", views.election_row, name="election_row"),
]

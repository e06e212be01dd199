from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.home, name="home"),
    path("city/", views.city, name="city"),
    path("counties/<int:pk>/", views.county, name="county"),
    path("townships/<int:pk>/", views.township, name="township"),
    path("villages/<int:pk>/", views.village, name="village"),
    path("townships/<int:pk>/daily/", views.daily_report, name="daily_report"),
    path("townships/<int:pk>/daily/export/", views.daily_report_export, name="daily_report_export"),
    path("counties/<int:pk>/daily/", views.daily_board, name="daily_board"),
    path("counties/<int:pk>/weekly/", views.weekly_report, name="weekly_report"),
    path(
        "counties/<int:pk>/weekly/export/", views.weekly_report_export, name="weekly_report_export"
    ),
    path("weekly/", views.weekly_board, name="weekly_board"),
]

from django.urls import path

from oversight import views

app_name = "oversight"
urlpatterns = [
    path("risks/", views.risk_list, name="risk_list"),
    path("risks/export/", views.risk_export, name="risk_export"),
    path("risks/new/", views.risk_create, name="risk_create"),
    path("risks/<int:pk>/", views.risk_detail, name="risk_detail"),
    path("risks/<int:pk>/edit/", views.risk_edit, name="risk_edit"),
    path("villages/<int:pk>/difficult/", views.village_difficult, name="village_difficult"),
    path("adjustments/", views.adjustment_list, name="adjustment_list"),
    path("adjustments/export/", views.adjustment_export, name="adjustment_export"),
    path("adjustments/new/", views.adjustment_create, name="adjustment_create"),
    path("adjustments/<int:pk>/", views.adjustment_detail, name="adjustment_detail"),
    path("adjustments/<int:pk>/edit/", views.adjustment_edit, name="adjustment_edit"),
    path("groups/", views.group_list, name="group_list"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/export/", views.visit_export, name="visit_export"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("training/", views.training_list, name="training_list"),
    path("training/export/", views.training_export, name="training_export"),
    path("training/new/", views.training_create, name="training_create"),
    path("training/<int:pk>/", views.training_detail, name="training_detail"),
    path("training/<int:pk>/edit/", views.training_edit, name="training_edit"),
]

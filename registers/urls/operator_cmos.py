from django.urls import path

from registers.views import operator_cmos as views

app_name = "operator_cmos"
urlpatterns = [
    path("", views.cmo_list, name="list"),
    path("new/", views.cmo_create, name="create"),
    path("<int:pk>/", views.cmo_edit, name="edit"),
]

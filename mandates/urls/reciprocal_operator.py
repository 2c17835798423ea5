from django.urls import path

from mandates.views import reciprocal_operator as views

app_name = "reciprocal_operator"
urlpatterns = [
    path("", views.societies, name="list"),
    path("new/", views.society_form, name="new"),
    path("<int:pk>/", views.society_form, name="edit"),
]

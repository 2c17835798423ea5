from django.urls import path

from registers.views import space as views

app_name = "space"
urlpatterns = [
    path("", views.home, name="home"),
    path("locations/new/", views.location_add, name="location_add"),
    path("locations/<int:pk>/", views.location_edit, name="location_edit"),
    path("locations/<int:pk>/remove/", views.location_remove, name="location_remove"),
]

from django.urls import path

from registers.views import portal as views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
]

from django.urls import path

from registers.views import cmo as views

app_name = "cmo"
urlpatterns = [
    path("", views.home, name="home"),
]

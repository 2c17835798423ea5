from django.urls import path

from registers.views import regulator as views

app_name = "regulator"
urlpatterns = [
    path("", views.home, name="home"),
]

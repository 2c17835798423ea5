from django.urls import path

from registers.views import space as views

app_name = "space"
urlpatterns = [
    path("", views.home, name="home"),
]

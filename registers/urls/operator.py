from django.urls import path

from registers.views import operator as views

app_name = "operator"
urlpatterns = [
    path("", views.home, name="home"),
]

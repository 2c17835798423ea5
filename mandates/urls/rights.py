from django.urls import path

from mandates.views import rights as views

app_name = "rights"
urlpatterns = [
    path("", views.rights, name="home"),
    path("my-data.zip", views.my_data, name="my_data"),
]

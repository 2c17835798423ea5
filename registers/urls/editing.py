from django.urls import path

app_name = "edit"
urlpatterns: list = []

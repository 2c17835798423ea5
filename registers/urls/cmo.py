from django.urls import path

from registers.views import cmo as views

app_name = "cmo"
urlpatterns = [
    path("", views.home, name="home"),
    path("members/", views.members, name="members"),
    path("works/", views.works, name="works"),
    path("profile/", views.profile, name="profile"),
]

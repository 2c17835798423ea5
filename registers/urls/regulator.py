from django.urls import path

from registers.views import regulator as views

app_name = "regulator"
urlpatterns = [
    path("", views.home, name="home"),
    path("registers/", views.registers, name="registers"),
    path("parties/<int:pk>/", views.party, name="party"),
]

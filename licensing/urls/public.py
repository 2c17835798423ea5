from django.urls import path

from licensing.views import rates as views

app_name = "licensing_public"
urlpatterns = [
    path("minimum-rates/", views.minimum_rates, name="minimum_rates"),
    path("contracts/", views.contracts, name="contracts"),
]

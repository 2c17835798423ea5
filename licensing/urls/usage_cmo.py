"""The usage reports of a CMO's licences (and, for the authorized body and the operator, all), under ``/cmo/usage/``."""

from django.urls import path

from licensing.views import usage

app_name = "usage_cmo"

urlpatterns = [
    path("", usage.cmo_list, name="list"),
    path("<int:pk>/", usage.cmo_detail, name="detail"),
]

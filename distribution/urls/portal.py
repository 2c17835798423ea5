"""A holder's claims of unmatched usage, under ``/portal/distribution/``."""

from django.urls import path

from distribution.views import portal

app_name = "distribution_portal"

urlpatterns = [
    path("unmatched/", portal.unmatched, name="unmatched"),
    path("unmatched/<int:pk>/claim/", portal.claim, name="claim"),
]

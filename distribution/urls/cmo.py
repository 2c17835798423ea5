"""Matching for a CMO's staff, under ``/cmo/distribution/``."""

from django.urls import path

from distribution.views import cmo

app_name = "distribution_cmo"

urlpatterns = [
    path("review/", cmo.review, name="review"),
    path("review/<int:pk>/confirm/", cmo.confirm, name="confirm"),
    path("review/<int:pk>/unmatched/", cmo.unmatched, name="unmatched"),
    path("claims/", cmo.claims_list, name="claims"),
    path("claims/<int:pk>/decide/", cmo.decide, name="decide"),
]

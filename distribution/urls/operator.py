"""Every CMO's distribution runs for the operator, under ``/operator/distribution/``."""

from django.urls import path

from distribution.views import operator

app_name = "distribution_operator"

urlpatterns = [
    path("runs/", operator.runs, name="runs"),
    path("runs/<int:pk>/", operator.run_detail, name="run"),
]

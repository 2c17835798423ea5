"""Monitoring pages of the regulator: ``/regulator/monitoring/``."""

from django.urls import URLPattern, URLResolver, path

from licensing.views import monitoring as views

app_name = "monitoring_regulator"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.regulator_index, name="index"),
    path("<int:pk>/", views.regulator_detail, name="detail"),
]

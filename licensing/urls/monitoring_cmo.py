"""Monitoring pages of the CMO: ``/cmo/monitoring/``."""

from django.urls import URLPattern, URLResolver, path

from licensing.views import monitoring as views

app_name = "monitoring_cmo"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.cmo_index, name="index"),
    path("<int:pk>/", views.cmo_detail, name="detail"),
]

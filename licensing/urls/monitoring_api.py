"""The API of monitoring feeds, under ``/api/``."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from licensing import monitoring_api

router = SimpleRouter()
router.register("monitoring/reconciliations", monitoring_api.ReconciliationViewSet, basename="reconciliation")
router.register("monitoring/lines", monitoring_api.LineViewSet, basename="reconciliation-line")
router.register("monitoring/providers", monitoring_api.ProviderViewSet, basename="monitoring-provider")

urlpatterns: list[URLPattern | URLResolver] = [
    path("monitoring/detections/", monitoring_api.DetectionsView.as_view(), name="monitoring-detections"),
    path("", include(router.urls)),
]

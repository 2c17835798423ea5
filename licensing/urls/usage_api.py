"""The API of the usage reports, under ``/api/``."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from licensing import usage_api

router = SimpleRouter()
router.register("usage-reports", usage_api.UsageReportViewSet, basename="usage-report")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]

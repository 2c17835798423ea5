"""The API of requests for information, under ``/api/``."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from licensing import info_api

router = SimpleRouter()
router.register("info-requests", info_api.InfoRequestViewSet, basename="info-request")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]

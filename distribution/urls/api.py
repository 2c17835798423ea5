"""The API of matching, under ``/api/``."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from distribution import api

router = SimpleRouter()
router.register("match-review", api.ReviewViewSet, basename="match-review")
router.register("unmatched-usage", api.UnmatchedViewSet, basename="unmatched-usage")
router.register("usage-claims", api.ClaimViewSet, basename="usage-claim")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]

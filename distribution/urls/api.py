"""The API of matching, under ``/api/``."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from distribution import api

router = SimpleRouter()
router.register("match-review", api.ReviewViewSet, basename="match-review")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]

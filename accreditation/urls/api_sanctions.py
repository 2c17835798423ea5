"""The API of the accreditation domain: sanctions, under ``/api/``."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []

"""The API of the accreditation domain: applications, under ``/api/``."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []

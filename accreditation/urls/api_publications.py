"""The API of the accreditation domain: publications, under ``/api/``."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []

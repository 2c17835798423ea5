"""Pages of the accreditation domain: publications (see docs/architecture.md)."""

from django.urls import URLPattern, URLResolver

app_name = "publications"
urlpatterns: list[URLPattern | URLResolver] = []

"""Pages of the accreditation domain: sanctions (see docs/architecture.md)."""

from django.urls import URLPattern, URLResolver

app_name = "sanctions"
urlpatterns: list[URLPattern | URLResolver] = []

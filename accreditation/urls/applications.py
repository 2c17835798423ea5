"""Pages of the accreditation domain: applications (see docs/architecture.md)."""

from django.urls import URLPattern, URLResolver

app_name = "accreditation"
urlpatterns: list[URLPattern | URLResolver] = []

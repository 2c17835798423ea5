"""Pages of the accreditation domain: publications (see docs/architecture.md)."""

from django.urls import URLPattern, URLResolver, path

from accreditation.views import publications as views

app_name = "publications"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("meetings/new/", views.new_meeting, name="new_meeting"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/<int:pk>/remove/", views.calendar_remove, name="calendar_remove"),
]

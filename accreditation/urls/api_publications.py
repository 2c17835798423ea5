"""The API of the accreditation domain: publications, under ``/api/``."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from accreditation import api_publications

router = SimpleRouter()
router.register(
    "publications/records", api_publications.PublicationRecordViewSet, basename="publication-record"
)
router.register("publications/meetings", api_publications.MeetingNoticeViewSet, basename="meeting-notice")
router.register("calendar-days", api_publications.CalendarDayViewSet, basename="calendar-day")

urlpatterns: list[URLPattern | URLResolver] = [
    path("publications/flags/", api_publications.PublicationFlagsView.as_view(), name="publication-flags"),
    path("", include(router.urls)),
]

"""The API of the accreditation domain: sanctions, under ``/api/``."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from accreditation import api_sanctions

router = SimpleRouter()
router.register("sanctions/lines", api_sanctions.SanctionLineViewSet, basename="sanction-line")
router.register(
    "sanctions/suspensions", api_sanctions.SanctionSuspensionViewSet, basename="sanction-suspension"
)
router.register(
    "sanctions/revocations", api_sanctions.SanctionRevocationViewSet, basename="sanction-revocation"
)
router.register(
    "sanctions/terminations", api_sanctions.SanctionTerminationViewSet, basename="sanction-termination"
)

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]

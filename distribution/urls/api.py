"""The API of matching, under ``/api/``."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from distribution import api, foreign_api, remuneration_api, run_api

router = SimpleRouter()
router.register("match-review", api.ReviewViewSet, basename="match-review")
router.register("unmatched-usage", api.UnmatchedViewSet, basename="unmatched-usage")
router.register("usage-claims", api.ClaimViewSet, basename="usage-claim")
router.register("distribution-runs", run_api.RunViewSet, basename="distribution-run")
router.register("distribution-run-requests", run_api.RunRequestViewSet, basename="distribution-run-request")
router.register("statements", run_api.StatementViewSet, basename="statement")
router.register("foreign-runs", foreign_api.ForeignRunViewSet, basename="foreign-run")
router.register("remittances", foreign_api.RemittanceViewSet, basename="remittance")
router.register(
    "remuneration-claims", remuneration_api.RemunerationClaimViewSet, basename="remuneration-claim"
)
router.register("release-rules", foreign_api.ReleaseRuleViewSet, basename="release-rule")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]

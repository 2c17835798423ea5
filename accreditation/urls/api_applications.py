"""The API of the accreditation domain: applications and their path, under ``/api/accreditation/``."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import DefaultRouter

from accreditation import api_applications as api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("accreditation/applications", api.ApplicationViewSet, basename="accreditation-application")
router.register("accreditation/meetings", api.MeetingViewSet, basename="accreditation-meeting")
router.register("accreditation/requirements", api.RequirementViewSet, basename="accreditation-requirement")
router.register("accreditation/certificates", api.CertificateViewSet, basename="accreditation-certificate")
router.register("accreditation/accredited", api.AccreditedViewSet, basename="accreditation-accredited")

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "accreditation/decisions/<int:pk>/appeal/",
        api.DecisionAppealView.as_view({"post": "create"}),
        name="accreditation-decision-appeal",
    ),
    path(
        "accreditation/appeals/<int:pk>/decide/",
        api.AppealDecideView.as_view({"post": "create"}),
        name="accreditation-appeal-decide",
    ),
    *router.urls,
]

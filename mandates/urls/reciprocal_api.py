from django.urls import include, path
from rest_framework.routers import SimpleRouter

from mandates import reciprocal_api

router = SimpleRouter()
router.register("foreign-societies", reciprocal_api.ForeignSocietyViewSet, basename="foreign-society")
router.register("reciprocal-agreements", reciprocal_api.AgreementViewSet, basename="reciprocal-agreement")

urlpatterns = [
    path("society-memberships/", reciprocal_api.MembershipView.as_view(), name="society-memberships"),
    path("", include(router.urls)),
]

"""The mandates domain's API, under ``/api/``: requests for management, paper mandates, withdrawals, and
the holder's own rights and data (``/api/me/``)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from mandates import api, request_api, rights_api, signatory_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("mandate-requests", request_api.MandateRequestViewSet, basename="mandate-request")
router.register("paper-mandates", request_api.PaperMandateViewSet, basename="paper-mandate")
router.register("withdrawals", api.WithdrawalViewSet, basename="withdrawal")
router.register("me/signatories", signatory_api.SignatoryViewSet, basename="my-signatory")

urlpatterns = [
    path("me/rights/", rights_api.MyRightsView.as_view(), name="api-my-rights"),
    path("me/data/", rights_api.MyDataView.as_view(), name="api-my-data"),
    *router.urls,
]

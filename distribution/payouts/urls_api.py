"""The API of payouts, under ``/api/``."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from distribution.payouts import api

router = SimpleRouter()
router.register("payment-batches", api.BatchViewSet, basename="payment-batch")
router.register("payout-statements", api.PayoutStatementViewSet, basename="payout-statement")
router.register("tax-rates", api.TaxRateViewSet, basename="tax-rate")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]

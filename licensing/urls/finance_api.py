"""The finance API under ``/api/``: invoices, payments, bank statements, accounting periods."""

from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from licensing import api_finance

router = SimpleRouter()
router.register("invoices", api_finance.InvoiceViewSet, basename="invoice")
router.register("payments", api_finance.PaymentViewSet, basename="payment")
router.register("bank-statements", api_finance.BankStatementViewSet, basename="bank-statement")
router.register("accounting-periods", api_finance.AccountingPeriodViewSet, basename="accounting-period")

urlpatterns: list[URLPattern | URLResolver] = [path("", include(router.urls))]

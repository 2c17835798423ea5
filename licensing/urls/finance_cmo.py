"""A CMO's finance pages, under ``/cmo/finance/``."""

from django.urls import path

from licensing.views import finance as views

app_name = "finance_cmo"
urlpatterns = [
    path("", views.cmo_invoices, name="invoices"),
    path("invoices/<int:pk>/", views.cmo_invoice, name="invoice"),
    path("invoices/<int:pk>/pdf/", views.cmo_invoice_pdf, name="invoice_pdf"),
    path("payments/", views.cmo_payments, name="payments"),
    path("payments/new/", views.cmo_payment_new, name="payment_new"),
    path("statements/", views.cmo_statements, name="statements"),
    path("statements/<int:pk>/", views.cmo_statement, name="statement"),
    path("receipts/", views.cmo_receipts, name="receipts"),
    path("receipts/<int:pk>/allocate/", views.cmo_receipt_allocate, name="receipt_allocate"),
    path("periods/", views.cmo_periods, name="periods"),
]

"""The user's invoices and payments, under ``/space/invoices/``."""

from django.urls import path

from licensing.views import finance as views

app_name = "finance_space"
urlpatterns = [
    path("", views.space_invoices, name="invoices"),
    path("<int:pk>/pdf/", views.space_invoice_pdf, name="invoice_pdf"),
]

"""A CMO's payouts, under ``/cmo/distribution/payouts/``."""

from django.urls import path

from distribution.payouts import views

app_name = "payouts_cmo"

urlpatterns = [
    path("", views.batches, name="batches"),
    path("<int:pk>/", views.batch, name="batch"),
    path("<int:pk>/file/", views.batch_file, name="batch_file"),
    path("<int:pk>/cancel/", views.batch_cancel, name="batch_cancel"),
    path("statements/", views.statements, name="statements"),
    path("statements/<int:pk>/", views.statement, name="statement"),
]

"""The authorized body's overview of invoicing and collection, under ``/regulator/finance/``."""

from django.urls import path

from licensing.views import finance as views

app_name = "finance_regulator"
urlpatterns = [path("", views.regulator_overview, name="overview")]

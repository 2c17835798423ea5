"""The licensing API under ``/api/``: tariffs, minimum rates, the index, declarations, agreements."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import DefaultRouter

from licensing import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("tariffs", api.TariffViewSet, basename="tariff")
router.register("minimum-rates", api.MinimumRateViewSet, basename="minimum-rate")
router.register("index-values", api.IndexValueViewSet, basename="index-value")
router.register("declarations", api.DeclarationViewSet, basename="declaration")
router.register("licences", api.LicenceViewSet, basename="licence")
router.register("contracts/users", api.PublicContractViewSet, basename="public-contract")
router.register("phonogram-collectors", api.CollectorViewSet, basename="phonogram-collector")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]

from rest_framework.routers import DefaultRouter

from mandates import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("withdrawals", api.WithdrawalViewSet, basename="withdrawal")

urlpatterns = router.urls

from rest_framework.routers import DefaultRouter

from mandates import request_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("mandate-requests", request_api.MandateRequestViewSet, basename="mandate-request")
router.register("paper-mandates", request_api.PaperMandateViewSet, basename="paper-mandate")

urlpatterns = router.urls

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from registers import api, claims_api
from udp.accounts.api import ApiKeyViewSet
from udp.accounts.console_api import ConsoleView
from udp.notices.api import NoticeViewSet

router = DefaultRouter()
router.register("works", api.WorkViewSet, basename="work")
router.register("holders", api.HolderViewSet, basename="holder")
router.register("cmos", api.CMOViewSet, basename="cmo")
router.register("users", api.LicenseeViewSet, basename="licensee")
router.register("contracts", api.ContractViewSet, basename="contract")
router.register("areas", api.AreaViewSet, basename="area")
router.register("proposals", claims_api.ProposalViewSet, basename="proposal")
router.register("conflicts", claims_api.ConflictViewSet, basename="conflict")
router.register("user-categories", api.UserCategoryViewSet, basename="user-category")
router.register("imports", api.ImportBatchViewSet, basename="import")
router.register("keys", ApiKeyViewSet, basename="api-key")
router.register("notices", NoticeViewSet, basename="notice")

urlpatterns = [
    path("auth/token/", api.ObtainTokenView.as_view(), name="api-token"),
    path("console/", ConsoleView.as_view(), name="api-console"),
    path("", include(router.urls)),
]

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from udp.accounts import views as account_views


def healthz(request: HttpRequest) -> JsonResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", include("registers.urls.public")),
    path("", include("udp.documents.urls")),
    path("extracts/", include("registers.urls.extracts")),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("accounts/pending/", account_views.pending, name="account_pending"),
    path("accounts/api-keys/", account_views.api_keys, name="api_keys"),
    path("accounts/api-keys/<int:pk>/revoke/", account_views.api_key_revoke, name="api_key_revoke"),
    path("accounts/", include("allauth.urls")),
    path("home/", account_views.home, name="home"),
    path("space/info-requests/", include("licensing.urls.info_space")),
    path("space/monitoring/", include("licensing.urls.monitoring_space")),
    path("cmo/monitoring/", include("licensing.urls.monitoring_cmo")),
    path("regulator/info-requests/", include("licensing.urls.info_regulator")),
    path("regulator/monitoring/", include("licensing.urls.monitoring_regulator")),
    path("operator/monitoring/providers/", include("licensing.urls.monitoring_operator")),
    path("portal/rights/", include("mandates.urls.rights")),
    path("portal/distribution/", include("distribution.urls.portal")),
    path("mandates/", include("mandates.urls.requests")),
    path("portal/", include("registers.urls.portal")),
    path("cmo/reciprocal/", include("mandates.urls.reciprocal_cmo")),
    path("cmo/usage/", include("licensing.urls.usage_cmo")),
    path("cmo/distribution/payouts/", include("distribution.payouts.urls_cmo")),
    path("cmo/distribution/", include("distribution.urls.cmo")),
    path("cmo/finance/", include("licensing.urls.finance_cmo")),
    path("space/invoices/", include("licensing.urls.finance_space")),
    path("regulator/finance/", include("licensing.urls.finance_regulator")),
    path("cmo/", include("registers.urls.cmo")),
    path("space/usage/", include("licensing.urls.usage")),
    path("space/", include("registers.urls.space")),
    path("regulator/reciprocal/", include("mandates.urls.reciprocal_regulator")),
    path("regulator/", include("registers.urls.regulator")),
    path("operator/cmos/", include("registers.urls.operator_cmos")),
    path("operator/distribution/", include("distribution.urls.operator")),
    path("operator/societies/", include("mandates.urls.reciprocal_operator")),
    path("operator/", include("registers.urls.operator")),
    path("imports/", include("registers.urls.imports")),
    path("notices/", include("udp.notices.urls")),
    path("history/", include("registers.urls.history")),
    path("claims/", include("registers.urls.claims")),
    path("withdrawals/", include("mandates.urls.withdrawals")),
    path("accreditation/", include("accreditation.urls.applications")),
    path("accreditation/sanctions/", include("accreditation.urls.sanctions")),
    path("publications/", include("accreditation.urls.publications")),
    path("entries/", include("registers.urls.editing")),
    path("tariffs/", include("licensing.urls.tariffs")),
    path("licences/", include("licensing.urls.licences")),
    path("licensing/", include("licensing.urls.rates")),
    path("", include("licensing.urls.public")),
    path("api/", include("mandates.urls.api")),
    path("api/", include("mandates.urls.reciprocal_api")),
    path("api/", include("accreditation.urls.api_applications")),
    path("api/", include("accreditation.urls.api_sanctions")),
    path("api/", include("accreditation.urls.api_publications")),
    path("api/", include("licensing.urls.api")),
    path("api/", include("licensing.urls.finance_api")),
    path("api/", include("licensing.urls.info_api")),
    path("api/", include("licensing.urls.monitoring_api")),
    path("api/", include("registers.api_urls")),
    path("api/", include("licensing.urls.usage_api")),
    path("api/", include("distribution.urls.api")),
    path("api/", include("distribution.payouts.urls_api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

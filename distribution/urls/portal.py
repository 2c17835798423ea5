"""A holder's claims of unmatched usage and statements, under ``/portal/distribution/``."""

from django.urls import path

from distribution.views import portal, remuneration, statements

app_name = "distribution_portal"

urlpatterns = [
    path("unmatched/", portal.unmatched, name="unmatched"),
    path("unmatched/<int:pk>/claim/", portal.claim, name="claim"),
    path("statements/", statements.portal_list, name="statements"),
    path("statements/<int:pk>/", statements.portal_detail, name="statement"),
    path("statements/<int:pk>/pdf/", statements.portal_pdf, name="statement_pdf"),
    path("kept/", remuneration.kept, name="kept"),
    path("kept/<int:cmo_id>/claim/", remuneration.file, name="remuneration_claim_file"),
    path("remuneration-claims/<int:pk>/", remuneration.portal_detail, name="remuneration_claim"),
    path("remuneration-claims/<int:pk>/pdf/", remuneration.portal_pdf, name="remuneration_claim_pdf"),
]

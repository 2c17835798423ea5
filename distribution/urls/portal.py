"""A holder's claims of unmatched usage and statements, under ``/portal/distribution/``."""

from django.urls import path

from distribution.views import portal, statements

app_name = "distribution_portal"

urlpatterns = [
    path("unmatched/", portal.unmatched, name="unmatched"),
    path("unmatched/<int:pk>/claim/", portal.claim, name="claim"),
    path("statements/", statements.portal_list, name="statements"),
    path("statements/<int:pk>/", statements.portal_detail, name="statement"),
    path("statements/<int:pk>/pdf/", statements.portal_pdf, name="statement_pdf"),
]

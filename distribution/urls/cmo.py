"""Matching and distribution runs for a CMO's staff, under ``/cmo/distribution/``."""

from django.urls import path

from distribution.views import cmo, foreign, remuneration, runs, statements

app_name = "distribution_cmo"

urlpatterns = [
    path("review/", cmo.review, name="review"),
    path("review/<int:pk>/confirm/", cmo.confirm, name="confirm"),
    path("review/<int:pk>/unmatched/", cmo.unmatched, name="unmatched"),
    path("claims/", cmo.claims_list, name="claims"),
    path("claims/<int:pk>/decide/", cmo.decide, name="decide"),
    path("runs/", runs.runs, name="runs"),
    path("runs/new/", runs.start, name="run_start"),
    path("runs/requests/<int:pk>/", runs.request_progress, name="run_request"),
    path("runs/<int:pk>/", runs.run_detail, name="run"),
    path("runs/<int:pk>/recalculate/", runs.recalculate, name="run_recalculate"),
    path("runs/<int:pk>/approve/", runs.approve, name="run_approve"),
    path("runs/<int:pk>/correct/", runs.correct, name="run_correct"),
    path("foreign/", foreign.foreign_runs, name="foreign_runs"),
    path("foreign/<int:pk>/", foreign.foreign_run, name="foreign_run"),
    path("foreign/<int:pk>/rates/", foreign.foreign_rates, name="foreign_rates"),
    path("foreign/<int:pk>/approve/", foreign.foreign_approve, name="foreign_approve"),
    path("foreign/remittances/<int:pk>/", foreign.remittance, name="remittance"),
    path(
        "foreign/remittances/<int:pk>/export.<str:fmt>", foreign.remittance_export, name="remittance_export"
    ),
    path("release/", foreign.release, name="release"),
    path("statements/", statements.cmo_list, name="statements"),
    path("statements/<int:pk>/", statements.cmo_detail, name="statement"),
    path("statements/<int:pk>/pdf/", statements.cmo_pdf, name="statement_pdf"),
    path("remuneration-claims/", remuneration.cmo_list, name="remuneration_claims"),
    path("remuneration-claims/<int:pk>/", remuneration.cmo_detail, name="remuneration_claim"),
    path("remuneration-claims/<int:pk>/pdf/", remuneration.cmo_pdf, name="remuneration_claim_pdf"),
    path("remuneration-claims/<int:pk>/decide/", remuneration.decide, name="remuneration_claim_decide"),
]

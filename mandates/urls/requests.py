from django.urls import path

from mandates.views import paper, requests, signatories

app_name = "mandates"

urlpatterns = [
    path("", requests.request_list, name="list"),
    path("new/", requests.request_new, name="new"),
    path("<int:pk>/", requests.request_detail, name="request"),
    path("<int:pk>/cancel/", requests.request_cancel, name="cancel"),
    path("<int:pk>/accept/", requests.request_accept, name="accept"),
    path("<int:pk>/refuse/", requests.request_refuse, name="refuse"),
    path("<int:pk>/sign/", requests.request_sign, name="sign"),
    path("<int:pk>/agreement.pdf", requests.request_agreement, name="agreement"),
    path("signatories/", signatories.signatories, name="signatories"),
    path("signatories/<int:pk>/end/", signatories.signatory_end, name="signatory_end"),
    path("paper/", paper.paper_list, name="paper_list"),
    path("paper/new/", paper.paper_new, name="paper_new"),
    path("paper/bulk/", paper.paper_bulk, name="paper_bulk"),
    path("paper/<int:pk>/", paper.paper_detail, name="paper"),
    path("paper/<int:pk>/scan/", paper.paper_scan, name="paper_scan"),
    path("paper/<int:pk>/confirm/", paper.paper_confirm, name="paper_confirm"),
    path("paper/<int:pk>/dispute/", paper.paper_dispute, name="paper_dispute"),
]

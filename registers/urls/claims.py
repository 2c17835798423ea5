from django.urls import path

from registers.views import claims as views

app_name = "claims"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("conflicts/", views.conflict_list, name="conflicts"),
    path("conflicts/<int:pk>/", views.conflict_detail, name="conflict"),
    path("conflicts/<int:pk>/evidence/<int:evidence_pk>/", views.evidence_file, name="evidence_file"),
]

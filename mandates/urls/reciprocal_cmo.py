from django.urls import path

from mandates.views import reciprocal_cmo as views

app_name = "reciprocal_cmo"
urlpatterns = [
    path("", views.agreements, name="list"),
    path("new/", views.agreement_new, name="new"),
    path("memberships/new/", views.membership_new, name="membership_new"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/copy/", views.agreement_copy, name="copy"),
]

from django.urls import path

from mandates import rights_api

urlpatterns = [
    path("rights/", rights_api.MyRightsView.as_view(), name="api-my-rights"),
    path("data/", rights_api.MyDataView.as_view(), name="api-my-data"),
]

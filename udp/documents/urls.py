from django.urls import path

from udp.documents import api, views

app_name = "documents"
urlpatterns = [
    path("verify/<str:token>/", views.verify, name="verify"),
    path("documents/<int:pk>/pdf/", views.download, name="download"),
    path("api/documents/verify/<str:token>/", api.VerifyDocumentView.as_view(), name="api_verify"),
]

from django.urls import path

from udp.documents import views

app_name = "documents"
urlpatterns = [
    path("verify/<str:token>/", views.verify, name="verify"),
    path("documents/<int:pk>/pdf/", views.download, name="download"),
]

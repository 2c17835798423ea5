from django.urls import path

from licensing.views import licences as views

app_name = "licences"
urlpatterns = [
    path("", views.index, name="index"),
    path("get/", views.declare, name="declare"),
    path("get/<int:pk>/", views.offers_page, name="offers"),
    path("get/<int:pk>/request/", views.request_agreement, name="request"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/refuse/", views.refuse, name="refuse"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/agreement.pdf", views.pdf, name="pdf"),
]

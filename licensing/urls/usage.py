"""The user's usage reports, under ``/space/usage/``."""

from django.urls import path

from licensing.views import usage

app_name = "usage"

urlpatterns = [
    path("", usage.space_list, name="space_list"),
    path("licences/<int:licence_pk>/new/", usage.upload, name="upload"),
    path("template.<str:fmt>", usage.template_download, name="template"),
    path("<int:pk>/", usage.detail, name="detail"),
    path("<int:pk>/progress/", usage.progress, name="progress"),
]

"""The user's requests for information: ``/space/info-requests/``."""

from django.urls import URLPattern, URLResolver, path

from licensing.views import info_requests as views

app_name = "info_space"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.space_list, name="list"),
    path("<int:pk>/", views.space_detail, name="detail"),
]

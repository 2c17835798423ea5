"""The authorized body's requests for information: ``/regulator/info-requests/``."""

from django.urls import URLPattern, URLResolver, path

from licensing.views import info_requests as views

app_name = "info_regulator"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.regulator_list, name="list"),
    path("new/", views.regulator_new, name="new"),
    path("<int:pk>/", views.regulator_detail, name="detail"),
]

"""Monitoring pages of the user space: ``/space/monitoring/``."""

from django.urls import URLPattern, URLResolver, path

from licensing.views import monitoring as views

app_name = "monitoring_space"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.space_index, name="index"),
    path("<int:pk>/", views.space_detail, name="detail"),
]
urlpatterns.append(path("lines/<int:pk>/answer/", views.space_answer, name="answer"))

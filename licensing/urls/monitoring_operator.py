"""The operator's monitoring providers: ``/operator/monitoring/providers/``."""

from django.urls import URLPattern, URLResolver, path

from licensing.views import monitoring as views

app_name = "monitoring_operator"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.operator_providers, name="providers"),
    path("<int:pk>/", views.operator_provider, name="provider"),
    path("<int:pk>/key/", views.operator_issue_key, name="issue_key"),
    path("<int:pk>/toggle/", views.operator_toggle, name="toggle"),
]

"""Pages of the accreditation domain: sanctions (see docs/architecture.md)."""

from django.urls import URLPattern, URLResolver, path

from accreditation.views import sanctions as views

app_name = "sanctions"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.register, name="register"),
    path("regulator/", views.workspace, name="workspace"),
    path("own/", views.own, name="own"),
    path("lines/<int:pk>/", views.line_detail, name="line"),
    path("lines/<int:pk>/suspend/", views.line_suspend, name="line_suspend"),
    path("lines/<int:pk>/revoke/", views.line_revoke, name="line_revoke"),
    path("lines/<int:pk>/terminate/", views.line_terminate, name="line_terminate"),
    path("lines/<int:pk>/return/", views.line_return, name="line_return"),
    path("suspensions/<int:pk>/", views.suspension_detail, name="suspension"),
    path("suspensions/<int:pk>/decide/", views.suspension_decide, name="suspension_decide"),
    path("suspensions/<int:pk>/dismiss/", views.suspension_dismiss, name="suspension_dismiss"),
]

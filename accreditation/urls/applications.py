"""Pages of the accreditation domain: applications and their path, the public list and meetings
(see docs/architecture.md)."""

from django.urls import URLPattern, URLResolver, path

from accreditation.views import applications as views
from accreditation.views import public

app_name = "accreditation"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", public.public_list, name="public"),
    path("meetings/", public.meetings, name="meetings"),
    path("certificates/<int:pk>/pdf/", public.certificate_pdf, name="certificate_pdf"),
    path("applications/", views.application_list, name="applications"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/attach/", views.application_attach, name="attach"),
    path("applications/<int:pk>/submit/", views.application_submit, name="submit"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="withdraw"),
    path("applications/<int:pk>/check/", views.application_check, name="check"),
    path("applications/<int:pk>/conclusion/", views.application_conclusion, name="conclusion"),
    path("applications/<int:pk>/decide/", views.application_decide, name="decide"),
    path("decisions/<int:pk>/appeal/", views.decision_appeal, name="appeal"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("requirements/", views.requirements, name="requirements"),
    path("requirements/<int:pk>/toggle/", views.requirement_toggle, name="requirement_toggle"),
    path("certificates/enter/", views.certificate_enter, name="certificate_enter"),
]

from django.urls import path

from registers.views import operator as views

app_name = "operator"
urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/<int:pk>/approve/", views.approve, name="approve"),
    path("accounts/<int:pk>/reject/", views.reject, name="reject"),
    path("accounts/new/", views.staff_new, name="staff_new"),
    path("registers/", views.registers, name="registers"),
    path("parties/<int:pk>/", views.party, name="party"),
    path("confidential-log/", views.confidential_log, name="confidential_log"),
]

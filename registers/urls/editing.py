from django.urls import path

from registers.views import editing as views

app_name = "edit"
urlpatterns = [
    path("works/new/", views.work_create, name="work_create"),
    path("work/<int:pk>/", views.work_edit, name="work"),
    path("parties/new/", views.party_create, name="party_create"),
    path("parties/lookup/", views.party_lookup, name="party_lookup"),
    path("party/<int:pk>/", views.party_edit, name="party"),
]

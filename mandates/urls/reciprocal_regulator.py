from django.urls import path

from mandates.views import reciprocal_regulator as views

app_name = "reciprocal_regulator"
urlpatterns = [path("", views.overview, name="overview")]

from django.urls import path

from licensing.views import rates as views

app_name = "licensing_rates"
urlpatterns = [
    path("minimum-rates/new/", views.minimum_rate_new, name="minimum_rate_new"),
    path("minimum-rates/<int:pk>/end/", views.minimum_rate_end, name="minimum_rate_end"),
    path("index/", views.index_values, name="index_values"),
    path("phonograms/", views.collectors, name="collectors"),
    path("countersigning/", views.policy, name="policy"),
]

from django.urls import path

from registers.views import history as views

app_name = "history"
urlpatterns = [
    path("<str:kind>/<int:pk>/", views.object_history, name="object"),
]

from django.urls import path

from registers.views import extracts as views

app_name = "extracts"
urlpatterns = [
    path("works/<int:pk>/", views.work, name="work"),
    path("holders/<int:pk>/", views.holder, name="holder"),
]

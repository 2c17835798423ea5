from django.urls import path

from mandates.views import withdrawals as views

app_name = "withdrawals"
urlpatterns = [
    path("", views.withdrawal_list, name="list"),
    path("new/", views.withdrawal_new, name="new"),
    path("repertoire/", views.repertoire, name="repertoire"),
    path("<int:pk>/", views.withdrawal_detail, name="detail"),
    path("<int:pk>/cancel/", views.withdrawal_cancel, name="cancel"),
    path("obligations/<int:pk>/done/", views.obligation_done, name="obligation_done"),
]

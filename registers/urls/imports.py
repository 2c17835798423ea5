from django.urls import path

from registers.views import imports as views

app_name = "imports"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("new/", views.upload, name="upload"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/ack/", views.ack, name="ack"),
    path("<int:pk>/problems.csv", views.problems_csv, name="problems_csv"),
    path("template.<str:fmt>", views.template, name="template"),
    path("export.<str:fmt>", views.export, name="export"),
]

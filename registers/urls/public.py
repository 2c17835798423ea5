from django.urls import path

from registers.views import public as views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("works/", views.works, name="works"),
    path("works/<int:pk>/", views.work, name="work"),
    path("holders/", views.holders, name="holders"),
    path("holders/<int:pk>/", views.holder, name="holder"),
    path("cmos/", views.cmos, name="cmos"),
    path("cmos/<int:pk>/", views.cmo, name="cmo"),
    path("users/", views.users, name="users"),
    path("users/<int:pk>/", views.user, name="user"),
    path("glossary/", views.glossary, name="glossary"),
    path("help/", views.help_page, name="help"),
]

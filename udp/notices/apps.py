from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "udp.notices"
    label = "notices"
    verbose_name = "Notices"

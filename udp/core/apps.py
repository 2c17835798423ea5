from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "udp.core"
    label = "core"
    verbose_name = "Core"

from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "licensing"

    def ready(self) -> None:
        from licensing.usage import setup as usage_setup

        usage_setup.ready()

from django.apps import AppConfig


class LicensingConfig(AppConfig):
    name = "licensing"

    def ready(self) -> None:
        from licensing import monitoring_cards, monitoring_notices

        monitoring_notices.register_kinds()
        monitoring_cards.add_cards()

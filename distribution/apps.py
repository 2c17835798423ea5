from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "distribution"

    def ready(self) -> None:
        from distribution.bench.match import BENCH
        from udp.core.benches import register

        register(BENCH)

from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "distribution"

    def ready(self) -> None:
        from distribution import foreign
        from distribution.bench.match import BENCH
        from distribution.consoles import add_cards
        from distribution.runs import register_reasons
        from udp.core.benches import register

        register(BENCH)
        add_cards()
        register_reasons()
        foreign.register_reasons()

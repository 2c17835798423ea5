from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "distribution"

    def ready(self) -> None:
        from distribution.bench.match import BENCH
        from distribution.consoles import add_cards
        from distribution.payouts.consoles import add_cards as add_payout_cards
        from distribution.runs import register_reasons
        from udp.core.benches import register

        register(BENCH)
        add_cards()
        add_payout_cards()
        register_reasons()

from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "distribution"

    def ready(self) -> None:
        from distribution import (
            foreign,
            run_tasks,  # noqa: F401  (the run pages' jobs, for the workers)
        )
        from distribution.bench.distribute import BENCH as DISTRIBUTE
        from distribution.bench.match import BENCH
        from distribution.bench.payout import BENCH as PAYOUT
        from distribution.compliance import register as register_flags
        from distribution.consoles import add_cards
        from distribution.notices import register_claim_kinds, register_kinds, tell_holders_held_released
        from distribution.payouts.consoles import add_cards as add_payout_cards
        from distribution.runs import register_reasons
        from registers.signals import conflict_resolved
        from udp.core.benches import register

        register(BENCH)
        register(DISTRIBUTE)
        register(PAYOUT)
        add_cards()
        add_payout_cards()
        register_reasons()
        foreign.register_reasons()
        register_kinds()
        register_claim_kinds()
        conflict_resolved.connect(tell_holders_held_released, dispatch_uid="distribution.held_released")
        register_flags()

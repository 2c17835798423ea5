from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo world, synthetic load and benchmarks: tools that span every domain, never statutory data."""

    name = "demo"
    verbose_name = _("Demo data and benchmarks")

    def ready(self) -> None:
        from demo.bench.command import BENCH
        from udp.core.benches import register

        register(BENCH)

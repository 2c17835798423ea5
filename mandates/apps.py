from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MandatesConfig(AppConfig):
    """Mandates (Art. 43.4, 44.1), reciprocal agreements (Art. 43.4, 46.1 (10), (12)), and withdrawal (Art. 46.2).

    The ``Mandate`` and ``Contract`` rows stay in ``registers`` (the register of contracts); this app
    owns the process around them: requests, signatures, paper mandates, withdrawals and their deadlines.
    """

    name = "mandates"
    verbose_name = _("Mandates and withdrawal")

    def ready(self) -> None:
        from mandates import consoles, notices, reciprocal_cards

        notices.register_kinds()
        consoles.add_cards()
        reciprocal_cards.add_cards()

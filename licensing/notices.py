"""The notices of licensing (registered when the app is ready). Parameters are data: numbers, names, dates."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from udp.notices.kinds import Kind, register

SUBJECT = _("A licence on the platform")


def register_reasons() -> None:
    """The reasons the platform gives itself in the history of what licensing's daily jobs do."""
    from udp.audit import MESSAGES

    MESSAGES.update(
        {
            "licence_term_reached": _("The agreement's term was reached: renewed or ended by its terms"),
            "licence_countersigned_automatically": _("Countersigned automatically under the CMO's policy"),
        }
    )


def register_kinds() -> None:
    for code, text in (
        ("licence_to_sign", _("Agreement no. %(number)s with %(cmo)s is ready: read it and sign it.")),
        (
            "licence_signed_by_user",
            _(
                "%(user)s signed agreement no. %(number)s: read it and countersign it, or refuse it with a ground."
            ),
        ),
        (
            "licence_in_force",
            _("Agreement no. %(number)s between %(cmo)s and %(user)s is in force from %(starts)s."),
        ),
        (
            "licence_refused",
            _("%(cmo)s refused agreement no. %(number)s. Its page gives the ground and the reasons."),
        ),
        (
            "licence_refused_regulator",
            _(
                "%(cmo)s refused a licence to %(user)s (agreement no. %(number)s). Its page gives the ground and the reasons."
            ),
        ),
        ("licence_cancelled", _("%(user)s cancelled agreement no. %(number)s before it was signed.")),
        ("licence_renewed", _("Agreement no. %(number)s is renewed until %(ends)s.")),
        ("licence_ended", _("Agreement no. %(number)s ended on %(ends)s.")),
    ):
        register(Kind(code, text, subject=SUBJECT))

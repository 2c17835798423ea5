"""Every kind of notice, registered once: its code, the line a reader reads (in their own language),
and whether and how it is e-mailed.

A notice is stored as its code and parameters (:class:`udp.notices.models.Notice`); its text is
rendered from :data:`KINDS` when someone reads it, so the same notice reads in Kazakh to one reader
and in Russian to another. Parameters are data (names, numbers, ids, text a person typed), never
translated text. A parameter an older version of a message did not have reads as "…".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from udp.core.params import MessageParams


@dataclass(frozen=True)
class Kind:
    code: str
    #: what the notice says, with ``%(name)s`` parameters
    message: Promise
    #: the e-mail's subject (``%(name)s`` parameters allowed); ``None``: shown in the platform only
    subject: Promise | None = None
    #: the e-mail's templates (``<prefix>_subject.txt`` is not used: the subject above is), a prefix
    #: under ``templates/``; the generic one says hello, the message and its link, and is signed
    email_template: str = "notices/email/notice"

    @property
    def emailed(self) -> bool:
        return self.subject is not None


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.code in KINDS:
        raise ValueError(f"notice kind {kind.code!r} is registered twice")
    KINDS[kind.code] = kind
    return kind


def get(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        raise ValueError(f"unknown notice kind {code!r}") from None


def render(text: Promise | str, params: Mapping[str, Any]) -> str:
    """``text`` in the active language with ``params`` put in (a decimal number as the language writes
    numbers); a missing parameter reads as "…"."""
    return str(text) % MessageParams(params)


# -- accounts ----------------------------------------------------------------------------------------
register(
    Kind(
        "account_approved",
        _("Your account is approved: you can now work on the platform."),
        subject=_("Your UDP account is approved"),
        email_template="accounts/email/approved",
    )
)
register(
    Kind(
        "account_rejected",
        _("Your application needs changes: %(reason)s"),
        subject=_("Your UDP application needs changes"),
        email_template="accounts/email/rejected",
    )
)
register(
    Kind(
        "entry_claim_refused",
        _(
            "We could not confirm that the entry in the register is yours. Contact the expert "
            "organization with a document proving your identity."
        ),
        subject=_("Your UDP application needs changes"),
    )
)

# -- imports of works ----------------------------------------------------------------------------------
IMPORT_SUBJECT = _("Your import of %(name)s has ended")
register(
    Kind(
        "import_done",
        _("Import of %(name)s: every line was imported (works created: %(created)s, updated: %(updated)s)."),
        subject=IMPORT_SUBJECT,
    )
)
register(
    Kind(
        "import_partial",
        _(
            "Import of %(name)s: the good lines were imported (works created: %(created)s, updated: "
            "%(updated)s, not imported: %(rejected)s). Download the bad lines from the import's page."
        ),
        subject=IMPORT_SUBJECT,
    )
)
register(
    Kind(
        "import_refused",
        _("Import of %(name)s: nothing was imported. Download the bad lines from the import's page."),
        subject=IMPORT_SUBJECT,
    )
)
register(
    Kind(
        "import_failed",
        _("Import of %(name)s stopped on an unexpected error; please try again or contact the help desk."),
        subject=IMPORT_SUBJECT,
    )
)

# -- proposals -----------------------------------------------------------------------------------------
register(
    Kind(
        "proposal_waiting",
        _("A change to the work “%(title)s” touches your share and waits for your answer."),
        subject=_("A change to a work waits for your answer"),
    )
)

# -- conflicts and reciprocal agreements ---------------------------------------------------------------
register(
    Kind(
        "conflict_opened",
        _("Conflict no. %(number)s concerns you: see what it is about and add your evidence."),
        subject=_("A conflict concerns you"),
    )
)
register(
    Kind(
        "reciprocal_entered",
        _("%(cmo)s entered the reciprocal agreement %(number)s with your CMO in the register of contracts."),
    )
)

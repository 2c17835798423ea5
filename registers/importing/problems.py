"""What is wrong with an imported file, kept as a code and its parameters so it reads in each
reader's language, and kept within bounds however bad the file is.

- :class:`Problem`: one line's problem: line, record, field, level (error or note), ``code``, ``params``.
  The text is :data:`MESSAGES` ``[code] % params``, rendered when someone reads it. Problems that
  come from a validator or an action (a Django ``ValidationError``) keep its code and, since their
  text is the validator's, are rendered once in every language of the site when stored.
- :class:`ProblemLog`: counts every problem by code (exactly, for the whole file) and keeps the first
  :data:`MAX_STORED` of them to show; the rest are counted, never kept. Memory stays bounded for a
  file of millions of bad lines.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from udp.core.params import Localized

ERROR = "error"
NOTE = "note"
#: How many problems of a batch are kept to show; all are counted.
MAX_STORED = 2000
#: How many problems one work keeps before it only counts them.
MAX_PER_WORK = 50
#: Values quoted in a reason are cut to this many characters.
MAX_VALUE = 120

MESSAGES: dict[str, Any] = {
    # the file as a whole
    "empty_file": _("The file is empty."),
    "missing_columns": _("Columns missing from the header: %(c)s."),
    "not_xlsx": _("The file is not an XLSX workbook."),
    "xlsx_too_big": _("The workbook unpacks to more than %(mb)s MB; split it into smaller files."),
    "bad_byte": _("Byte %(byte)s is not valid %(name)s; save the file as UTF-8 (in Excel: “CSV UTF-8”)."),
    "bad_byte_cwr": _(
        "Byte %(byte)s is not ASCII and the HDR record names no character set; a CWR file is ASCII "
        "unless its HDR record names one (e.g. UTF-8)."
    ),
    "ambiguous_encoding": _(
        "Byte %(byte)s is not valid UTF-8, and the file could be read as %(candidates)s: "
        "save it as UTF-8 so that no name is misread."
    ),
    "truncated_character": _("The file ends in the middle of a %(name)s character."),
    "nul_byte": _("A NUL byte (0x00): this is not a text file (or it is UTF-16 without a byte-order mark)."),
    "control_character": _("A control character (%(char)s): this is not a text file."),
    "cwr_charset_unknown": _("The HDR record names the character set “%(charset)s”, which is not supported."),
    "legacy_encoding": _("The file is not UTF-8; it was read as %(name)s."),
    "csv_field_limit": _("A field longer than %(limit)s characters: is a quote left open?"),
    "csv_malformed": _("The CSV cannot be read here: %(e)s"),
    "field_too_long": _("The field is longer than %(limit)s characters."),
    "refused_note": _("Not imported: the file was refused because other lines are bad."),
    "file_refused": _("Not imported: the file was refused because other lines are bad (%(n)s good works)."),
    "crashed": _("The import failed: %(e)s"),
    "interrupted": _(
        "The import was interrupted (the background worker stopped) after line %(line)s. "
        "Upload the file again to finish it: works already imported are updated, not duplicated."
    ),
    "time_limit": _("The import took longer than %(minutes)s minutes and was stopped after line %(line)s."),
    # the template (CSV/XLSX)
    "proposed": _(
        "The change touches other holders' claims: sent to them as proposal %(id)s, applied when they accept it."
    ),
    "no_work_ref": _("The work_ref is empty."),
    "no_title": _("A work needs a title."),
    "unknown_kind": _("Unknown kind “%(k)s”."),
    "not_whole_number": _("A whole number is expected, not “%(v)s”."),
    "date_format": _("A date is written YYYY-MM-DD."),
    "contributor_unidentified": _("A contributor needs a name, a register id or an IPI name number."),
    "unknown_role": _("Unknown role “%(r)s”; use a CISAC code such as CA, C, A, E."),
    "share_format": _("A share is a number such as 50 or 33.33, not “%(v)s”."),
    "work_ref_again": _(
        "The rows of work_ref “%(ref)s” must follow each other; it was already imported from earlier rows."
    ),
    "control_in_cell": _("The cell contains a control character (%(char)s)."),
    # CWR
    "cwr_no_hdr": _("A CWR file starts with an HDR record."),
    "cwr_no_trl": _("The file ends without a TRL record."),
    "cwr_unknown_record": _("Unknown record type “%(kind)s”."),
    "cwr_skipped_record": _("%(kind)s records are not kept by the register; skipped."),
    "cwr_unexpected_record": _("%(kind)s records are not expected in a registration file."),
    "cwr_record_length": _("The record is %(n)s characters long; a %(kind)s record has %(low)s to %(high)s."),
    "cwr_group_skipped": _("Groups of %(t)s transactions are not imported."),
    "cwr_count": _("The file says %(given)s here, but %(counted)s were counted."),
    "cwr_outside_group": _("A %(kind)s transaction outside a %(kind)s group."),
    "cwr_outside_transaction": _("A %(kind)s record outside a work transaction."),
    "cwr_sequence": _("The transaction sequence number differs from its NWR/REV record."),
    "cwr_no_work_number": _("The submitter's work number is missing."),
    "cwr_publisher_type": _("Unknown publisher type “%(code)s”."),
    "cwr_designation": _("Unknown writer designation “%(code)s”."),
    "cwr_share_format": _("A share has five digits (05000 is 50.00 %%), not “%(v)s”."),
    "share_above_100": _("A share above 100 %% (%(p)s)."),
    "cwr_empty_alt": _("An alternate title is empty."),
    "cwr_performer": _(
        "Performer “%(name)s” noted; performers are registered on their own entries, not from CWR."
    ),
    "cwr_rec_without_isrc": _("A recording without an ISRC is not registered."),
    "cwr_collection_share": _(
        "%(right)s: this %(role)s repeats its publisher's share (a collection share); kept without an ownership share."
    ),
    "shares_sum": _(
        "%(right)s ownership shares of the SPU/OPU/SWR/OWR records sum to %(total)s %%, not 100 %% "
        "(CWR allows 0.06 either way)."
    ),
    "cwr_shares_agreed": _(
        "%(right)s shares sum to %(total)s %%, within CWR's 0.06 tolerance: kept as declared; agreed for payment as %(agreed)s."
    ),
    "cwr_no_writer": _("A work transaction needs at least one writer (SWR or OWR record)."),
    "cwr_no_creator": _("At least one writer must be a composer or author (designation CA, C or A)."),
    "cwr_territory_without_owner": _("A %(kind)s record must follow its %(owner)s record."),
    "cwr_territory_other_party": _(
        "The %(kind)s record names interested party %(ip)s, not the one of the record before it."
    ),
    "cwr_inclusion": _("The inclusion/exclusion indicator is I or E, not “%(v)s”."),
    "cwr_tis": _("A territory is a four-digit TIS code, not “%(v)s”."),
    "cwr_pwr_without_writer": _("A PWR record must follow the SWR or OWR record of its writer."),
    "cwr_pwr_other_writer": _("The PWR record names writer %(ip)s, not the writer of the record before it."),
    "cwr_pwr_no_publisher": _("A PWR record after an SWR must name its publisher."),
    "cwr_pwr_publisher_unknown": _(
        "The PWR record names publisher %(ip)s (chain %(seq)s), which no SPU/OPU record of the work has."
    ),
    "cwr_alt_type_defaulted": _(
        "Title type “%(type)s” is not in CISAC's table; kept as an alternative title (AT)."
    ),
    "cwr_alt_language": _(
        "Language code “%(v)s” is not a two-letter code; this alternate title was left out."
    ),
    "cwr_alt_needs_language": _(
        "A title of type %(type)s needs a language code; this alternate title was left out."
    ),
    "cwr_duplicate": _(
        "You registered this work before (work %(id)s); nothing was changed. To change it, send a REV."
    ),
    "cwr_conflict": _(
        "This work is registered by someone else; nothing was changed. The competing registration was "
        "recorded as conflict %(id)s for the expert organization."
    ),
    "cwr_rev_as_nwr": _(
        "A revision (REV) of a work that is not in the register: taken as a new registration."
    ),
    # writing to the register
    "db_refused": _("The register refused the work: %(e)s"),
    "no_work_id": _("No work with register id %(id)s that you may change."),
    "id_not_yours": _("%(id)s is registered for a work you may not change."),
    "rev_unknown": _(
        "A revision (REV) of a work that is not in the register: no work with this ISWC or submitter's work number."
    ),
    "recording_not_linked": _("%(isrc)s is registered by someone else; not linked."),
    "unknown_without_share": _(
        "An unknown contributor without a share: kept on the work as an unidentified rightsholder."
    ),
    "no_party_id": _("No author or rightsholder with register id %(id)s."),
    "ipi_not_visible": _(
        "No author or rightsholder with IPI name number %(ipi)s that you may see; give the register id "
        "(party_id) of a contributor in the register, or ask the operator."
    ),
    "unidentified_holder": _(
        "The contributor is unknown; their shares are held for an unidentified rightsholder."
    ),
    "new_contributor_needs_name": _(
        "A new contributor needs a name (or give an IPI name number or register id)."
    ),
}


def clip(value: Any) -> Any:
    """A parameter safe to store and show: text cut to :data:`MAX_VALUE`, without NUL characters."""
    if isinstance(value, str):
        value = value.replace("\x00", "")
        return value if len(value) <= MAX_VALUE else value[: MAX_VALUE - 1] + "…"
    if isinstance(value, int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): clip(v) for k, v in value.items()}
    return clip(str(value))


@dataclass
class Problem:
    """A bad (or noteworthy) line: its number in the file, record type, field and why (code, params)."""

    line: int
    record: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    field: str = ""
    level: str = ERROR
    #: the text of a problem whose code is not in MESSAGES (a validator's message, maybe lazy)
    message: Any = None

    @property
    def reason(self) -> str:
        if self.code in MESSAGES or self.message is None:
            return render(self.code, self.params)
        return _interpolate(self.message, self.params)

    def stored_params(self) -> dict[str, Any]:
        """The parameters to store: the text in every language for a validator's message."""
        if self.code in MESSAGES or self.message is None:
            return clip(self.params)
        texts = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                texts[language] = _interpolate(self.message, self.params)
        return {"text": clip(texts)}

    def as_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "record": self.record,
            "field": self.field,
            "level": self.level,
            "code": self.code,
            "params": self.stored_params(),
        }


def _interpolate(message: Any, params: Any) -> str:
    text = str(message)
    if params:
        try:
            return text % (Localized(params) if isinstance(params, dict) else params)
        except (KeyError, TypeError, ValueError):
            return text
    return text


def render(code: str, params: dict[str, Any] | None) -> str:
    """The text of a stored problem in the active language."""
    params = params or {}
    message = MESSAGES.get(code)
    if message is not None:
        return _interpolate(message, params)
    texts = params.get("text")
    if isinstance(texts, dict) and texts:
        language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
        return str(texts.get(language) or texts.get(settings.LANGUAGE_CODE) or next(iter(texts.values())))
    return code


def from_validation(exc: Any, line: int, record: str, field: str = "") -> list[Problem]:
    """The problems of a Django ``ValidationError``, one per message, each keeping its code."""
    if hasattr(exc, "error_dict"):
        pairs = [
            (name if name != "__all__" else field, error)
            for name, errors in exc.error_dict.items()
            for error in errors
        ]
    else:
        pairs = [(field, error) for error in exc.error_list]
    return [
        Problem(
            line,
            record,
            f"invalid.{error.code or 'value'}",
            dict(error.params or {}),
            name,
            message=error.message,
        )
        for name, error in pairs
    ]


class ProblemLog:
    """Every problem of a batch counted by code; the first :data:`MAX_STORED` kept to be shown."""

    def __init__(self, limit: int = MAX_STORED) -> None:
        self.limit = limit
        self.kept: list[Problem] = []
        self.counts: Counter[str] = Counter()
        self.errors = 0
        self.notes = 0

    def add(self, problem: Problem) -> None:
        self.count(problem.code, problem.level)
        if len(self.kept) < self.limit:
            self.kept.append(problem)

    def count(self, code: str, level: str, n: int = 1) -> None:
        self.counts[code] += n
        if level == ERROR:
            self.errors += n
        else:
            self.notes += n

    def extend(self, problems: list[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    @property
    def truncated(self) -> bool:
        return self.errors + self.notes > len(self.kept)

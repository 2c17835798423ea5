"""What an agreement covers: the works its CMO manages in its areas on a day, read from the registers.

An area's line at the scope *extended* (the CMO accredited and in force) covers every holder of the area
who has not withdrawn and manages no other way (Art. 46-1); at the scope *mandated* only what holders
mandated to the CMO, directly or through a society's reciprocal agreement. Withdrawn works are out from the
day the withdrawal takes effect, and a work under an open conflict is flagged: its use may go on, but the
money for it is held (:func:`registers.conflicts.held_by_conflict`). All of this is
:func:`registers.who_manages.who_manages`; this module asks it for one agreement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from licensing.models import Licence, RepertoireScope
from registers.models import Work
from registers.who_manages import ManagementRow, Path, who_manages
from udp.core import clock


@dataclass
class Coverage:
    work: Work
    day: dt.date
    #: the rows of the work's management that this agreement answers for
    rows: list[ManagementRow] = field(default_factory=list)
    held: bool = False

    @property
    def covered(self) -> bool:
        return bool(self.rows)


def coverage(licence: Licence, work: Work, day: dt.date | None = None) -> Coverage:
    """Which of ``work``'s rights ``licence`` covers on ``day`` (today)."""
    day = day or clock.today()
    answer = who_manages(work, day)
    scopes = {line.area_id: line.scope for line in licence.lines.all()}
    rows = [
        row for row in answer.rows
        if row.cmo.pk == licence.cmo_id and row.area.pk in scopes
        and (row.path != Path.EXTENDED or scopes[row.area.pk] == RepertoireScope.EXTENDED)
    ]  # fmt: skip
    return Coverage(work=work, day=day, rows=rows, held=answer.held)

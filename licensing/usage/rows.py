"""One usage line checked, and written as a line of PostgreSQL's COPY text format for the staging table.

Every reader (template, JSON, DSR) hands :meth:`LineChecker.check` the same named values; a good line comes
back as COPY text, a bad one is named in the :class:`~licensing.usage.problems.ProblemLog` with its line
number and reason. Identifiers are checked by :mod:`udp.identifiers` (the result of each distinct ISRC is
remembered, since a playlist names the same recordings again and again).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError

from licensing.usage.problems import ProblemLog
from udp.core.spreadsheets import unquote
from udp.identifiers import validate_isrc, validate_iswc

#: The template's columns, in order; ``plays`` and a recording (ISRC, or title and artist) are required.
COLUMNS = ("played_at", "isrc", "iswc", "title", "artist", "plays", "duration", "source")
REQUIRED = ("isrc", "title", "artist", "plays")
LIMITS = {"title": 300, "artist": 300, "source": 200}
DURATION = re.compile(r"^P(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)$")
COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
COPY_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


ISRC_SHAPE = re.compile(r"[A-Z]{2}[A-Z0-9]{3}[0-9]{7}")


def isrc_of(value: str) -> str | None:
    """An ISRC already in its compact form is valid when its country code is: that is checked once per code."""
    if ISRC_SHAPE.fullmatch(value):
        return value if _isrc_checked(value[:2] + "A000000001") is not None else None
    return _isrc_checked(value)


@lru_cache(maxsize=200_000)
def _isrc_checked(value: str) -> str | None:
    try:
        return validate_isrc(value)
    except ValidationError:
        return None


@lru_cache(maxsize=50_000)
def iswc_of(value: str) -> str | None:
    try:
        return validate_iswc(value)
    except ValidationError:
        return None


def copy_text(value: str) -> str:
    if COPY_SPECIAL.search(value) is None:
        return value
    return COPY_SPECIAL.sub(lambda m: COPY_ESCAPES[m.group()], value)


def duration_seconds(value: str) -> int | None:
    """Seconds, ``mm:ss``, or ISO 8601 (``PT3M35S``); ``None`` if it is none of them."""
    if value.isdecimal():
        return int(value)
    if ":" in value:
        parts = value.split(":")
        if 2 <= len(parts) <= 3 and all(p.isdecimal() for p in parts):
            seconds = 0
            for part in parts:
                seconds = seconds * 60 + int(part)
            return seconds
        return None
    match = DURATION.match(value)
    if match is None or value == "PT":
        return None
    hours, minutes, secs = match.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(float(secs or 0))


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


class LineChecker:
    """Checks one report's lines against its period; good lines become COPY text for the staging table."""

    def __init__(
        self, report_id: int, licence_id: int, period_start: dt.date, period_end: dt.date, log: ProblemLog
    ):
        self.prefix = f"{report_id}\t{licence_id}\t"
        self.start, self.end = period_start, period_end
        self.default_period = first_of_month(period_start).isoformat()
        self.log = log
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.good = 0
        self.bad = 0

    def check(
        self,
        line: int,
        *,
        played_at: str = "",
        isrc: str = "",
        iswc: str = "",
        title: str = "",
        artist: str = "",
        plays: str = "",
        duration: str = "",
        source: str = "",
    ) -> str | None:
        """The line as COPY text, or ``None`` after naming what is wrong with it."""
        log = self.log
        errors = 0
        if isrc:
            isrc = isrc.strip().upper()
            checked = isrc_of(isrc)
            if checked is None:
                log.add(line, "bad_isrc", v=isrc)
                errors += 1
            else:
                isrc = checked
        if iswc:
            checked = iswc_of(iswc.strip())
            if checked is None:
                log.add(line, "bad_iswc", v=iswc)
                errors += 1
            else:
                iswc = checked
        title = unquote(title.strip()) if title else ""
        artist = unquote(artist.strip()) if artist else ""
        if not isrc and not (title and artist):
            log.add(line, "no_recording")
            errors += 1
        plays = plays.strip() if plays else ""
        count = 0
        if plays.isdecimal():
            count = int(plays)
            if count <= 0 or count > 2_000_000_000:
                log.add(line, "plays_not_positive", v=plays)
                errors += 1
        elif plays.startswith("-") and plays[1:].isdecimal():
            log.add(line, "plays_not_positive", v=plays)
            errors += 1
        else:
            log.add(line, "plays_not_number", v=plays)
            errors += 1
        seconds = "\\N"
        if duration:
            length = duration_seconds(duration.strip())
            if length is None:
                log.add(line, "duration_bad", v=duration)
                errors += 1
            else:
                seconds = str(length)
        period = self.default_period
        when = "\\N"
        if played_at:
            try:
                moment = dt.datetime.fromisoformat(played_at.strip())
            except ValueError:
                log.add(line, "played_at_bad", v=played_at)
                errors += 1
            else:
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=self.zone)
                day = moment.astimezone(self.zone).date()
                if not (self.start <= day <= self.end):
                    log.add(
                        line,
                        "outside_period",
                        day=day.isoformat(),
                        start=self.start.isoformat(),
                        end=self.end.isoformat(),
                    )
                    errors += 1
                else:
                    period = first_of_month(day).isoformat()
                    when = moment.isoformat()
        if source:
            source = unquote(source.strip())
        for name, value, limit in (("title", title, 300), ("artist", artist, 300), ("source", source, 200)):
            if len(value) > limit:
                log.add(line, "field_too_long", f=name, limit=limit)
                errors += 1
        if errors:
            self.bad += 1
            return None
        self.good += 1
        return (
            f"{self.prefix}{period}\t{line}\t{when}\t{isrc}\t{iswc}\t{copy_text(title)}\t{copy_text(artist)}\t"
            f"{count}\t{seconds}\t{copy_text(source)}\n"
        )

    def recording_cells(
        self, *, isrc: str, iswc: str, title: str, artist: str, duration: str, source: str
    ) -> tuple[str, str] | None:
        """The COPY text cells a usage line takes from its recording and source, before and after its count
        (ISRC, ISWC, title, artist; seconds, source), or ``None`` if :meth:`check` would name a problem
        with them. The same rules as :meth:`check`, without naming: a reader that meets the same recording
        on many lines checks it once, and a line whose recording is wrong goes through :meth:`check`."""
        if isrc:
            isrc = isrc_of(isrc.strip().upper()) or ""
            if not isrc:
                return None
        if iswc:
            iswc = iswc_of(iswc.strip()) or ""
            if not iswc:
                return None
        title = unquote(title.strip()) if title else ""
        artist = unquote(artist.strip()) if artist else ""
        if not isrc and not (title and artist):
            return None
        seconds = "\\N"
        if duration:
            length = duration_seconds(duration.strip())
            if length is None:
                return None
            seconds = str(length)
        source = unquote(source.strip()) if source else ""
        if len(title) > 300 or len(artist) > 300 or len(source) > 200:
            return None
        return (
            f"{isrc}\t{iswc}\t{copy_text(title)}\t{copy_text(artist)}",
            f"{seconds}\t{copy_text(source)}",
        )

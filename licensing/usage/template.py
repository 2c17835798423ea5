"""The template of a usage report (playlist, setlist, broadcast log), written through
:mod:`udp.core.spreadsheets`: the columns and an example line of the kind."""

from __future__ import annotations

from licensing.usage.rows import COLUMNS

KINDS = ("playlist", "setlist", "broadcast")
EXAMPLES = {
    "playlist": [
        "2026-01-05 10:00",
        "KZA012600001",
        "",
        "Дала әні",
        "Roza Rymbaeva",
        "3",
        "215",
        "Café Dala, Almaty",
    ],
    "setlist": [
        "2026-01-05 21:30",
        "",
        "T-034.524.680-1",
        "Көктем",
        "The band",
        "1",
        "4:05",
        "Concert hall, Astana",
    ],
    "broadcast": [
        "2026-01-05 08:12",
        "KZA012600002",
        "",
        "Song",
        "Artist",
        "1",
        "PT3M35S",
        "Radio Dala 101.4 FM",
    ],
}


def template_rows(kind: str) -> tuple[tuple[str, ...], list[list[str]]]:
    return COLUMNS, [EXAMPLES.get(kind, EXAMPLES["playlist"])]

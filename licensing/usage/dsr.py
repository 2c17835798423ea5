"""Writing DDEX DSR flat files (tab-separated), for the bench and the tests: HEAD, a summary record, blocks of
RE01/AS02/SU records, FOOT with the number of lines in the file. The cells follow the record type definitions
the reader (:class:`licensing.usage.readers.DsrReader`) reads."""

from __future__ import annotations

from collections.abc import Iterator


def head(profile: str = "BasicAudioProfile", start: str = "2026-01-01", end: str = "2026-01-31") -> str:
    cells = ["HEAD", "dsrf/1.4/basic", profile, "1.4", "MSG-1", "2026-02-01T09:00:00Z", "1", "1", start, end,
             "PADPIDA2026010101U", "Radio Test LLP", "RadioTest", "PADPIDA2026010101K", "KAZ", ""]  # fmt: skip
    return "\t".join(cells) + "\n"


def summary(sid: str = "S1", *, broadcast: bool = False, source: str = "Radio Dala 101.4") -> str:
    if (
        broadcast
    ):  # SY08: ..., ServiceDescription, BroadcastOrChannel, CommercialModel, UseType, Territory, ...
        cells = [
            "SY08.02",
            sid,
            "",
            "",
            "RadioTest",
            source,
            "AdvertisementSupportedModel",
            "Broadcast",
            "KZ",
            "1",
        ]
    else:  # SY01: ..., CommercialModel, UseType, Territory, ServiceDescription, TotalUsages, ...
        cells = ["SY01.02", sid, "", "", "SubscriptionModel", "Stream", "KZ", source, "1", "", "KZT", "0"]
    return "\t".join(cells) + "\n"


def block(block_id: str, isrc: str, title: str, artist: str, plays: str, *, broadcast: bool = False,
          sid: str = "S1", duration: str = "PT3M35S", iswc: str = "") -> Iterator[str]:  # fmt: skip
    yield "\t".join(["RE01.02", block_id, "R1", f"REL{block_id}", "", "", "", artist, "", title]) + "\n"
    yield "\t".join(["AS02.03", block_id, "A1", f"RES{block_id}", isrc, title, "", artist, "", duration,
                     "SoundRecording", iswc, "", "", "", "", "", "", "", "", "", "true", "false", ""]) + "\n"  # fmt: skip
    if broadcast:  # SU05: BlockId, SummaryRecordId, SalesTransactionId, TransactedResource, IsRoyaltyBearing, NumberOfBroadcasts
        yield (
            "\t".join(["SU05.01", block_id, sid, f"T{block_id}", "A1", "true", plays, "", "", "Broadcast"])
            + "\n"
        )
    else:  # SU02: BlockId, SummaryRecordId, SalesTransactionId, TransactedRelease, TransactedResource, IsRoyaltyBearing, NumberOfStreams
        yield (
            "\t".join(["SU02.02", block_id, sid, f"T{block_id}", "R1", "A1", "true", plays, "", "", "Stream"])
            + "\n"
        )


def foot(lines_in_file: int, blocks: int = 0) -> str:
    return "\t".join(["FOOT", str(lines_in_file), str(lines_in_file), "1", str(blocks), str(blocks)]) + "\n"


def document(blocks: list[tuple[str, str, str, str]], *, broadcast: bool = False, footer: bool = True,
             foot_count: int | None = None) -> str:  # fmt: skip
    """A whole file: ``blocks`` are (isrc, title, artist, plays)."""
    lines = [
        head("RadioBroadcastProfile" if broadcast else "BasicAudioProfile"),
        summary(broadcast=broadcast),
    ]
    for n, (isrc, title, artist, plays) in enumerate(blocks, start=1):
        lines.extend(block(f"B{n}", isrc, title, artist, plays, broadcast=broadcast))
    if footer:
        lines.append(foot(foot_count if foot_count is not None else len(lines) + 1, len(blocks)))
    return "".join(lines)

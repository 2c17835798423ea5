"""CWR record layouts: each field is (name, start column counted from 1, length), as in the CISAC
CWR 2.1 (rev. 7) and 2.2 specifications. Every record starts with the record type (1-3), the
transaction sequence number (4-11) and the record sequence number (12-19).

``MIN_LENGTH`` is where the last field we need ends: a shorter line is malformed. Lines may be
longer (later versions add fields at the end); ``MAX_LENGTH`` bounds that.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from udp.core.text import is_ascii_digits

Field = tuple[str, int, int]

PREFIX: list[Field] = [("record_type", 1, 3), ("transaction_seq", 4, 8), ("record_seq", 12, 8)]

_INTERESTED_SHARES: list[Field] = [
    ("pr_society", 113, 3),
    ("pr_share", 116, 5),
    ("mr_society", 121, 3),
    ("mr_share", 124, 5),
    ("sr_society", 129, 3),
    ("sr_share", 132, 5),
]

PUBLISHER: list[Field] = [
    ("publisher_seq", 20, 2),
    ("ip_number", 22, 9),
    ("name", 31, 45),
    ("unknown", 76, 1),
    ("publisher_type", 77, 2),
    ("tax_id", 79, 9),
    ("ipi_name_number", 88, 11),
    ("submitter_agreement", 99, 14),
    *_INTERESTED_SHARES,
    ("special_agreements", 137, 1),
    ("first_recording_refusal", 138, 1),
    ("filler", 139, 1),
    ("ipi_base_number", 140, 13),
    ("isac", 153, 14),
    ("society_agreement", 167, 14),
    ("agreement_type", 181, 2),
    ("usa_license", 183, 1),
]

WRITER: list[Field] = [
    ("ip_number", 20, 9),
    ("last_name", 29, 45),
    ("first_name", 74, 30),
    ("unknown", 104, 1),
    ("designation", 105, 2),
    ("tax_id", 107, 9),
    ("ipi_name_number", 116, 11),
    ("pr_society", 127, 3),
    ("pr_share", 130, 5),
    ("mr_society", 135, 3),
    ("mr_share", 138, 5),
    ("sr_society", 143, 3),
    ("sr_share", 146, 5),
    ("reversionary", 151, 1),
    ("first_recording_refusal", 152, 1),
    ("work_for_hire", 153, 1),
    ("filler", 154, 1),
    ("ipi_base_number", 155, 13),
    ("personal_number", 168, 12),
    ("usa_license", 180, 1),
]

WORK: list[Field] = [
    ("title", 20, 60),
    ("language", 80, 2),
    ("submitter_work_number", 82, 14),
    ("iswc", 96, 11),
    ("copyright_date", 107, 8),
    ("copyright_number", 115, 12),
    ("distribution_category", 127, 3),
    ("duration", 130, 6),
    ("recorded", 136, 1),
    ("text_music_relationship", 137, 3),
    ("composite_type", 140, 3),
    ("version_type", 143, 3),
    ("excerpt_type", 146, 3),
    ("music_arrangement", 149, 3),
    ("lyric_adaptation", 152, 3),
    ("contact_name", 155, 30),
    ("contact_id", 185, 10),
    ("work_type", 195, 2),
    ("grand_rights", 197, 1),
    ("composite_count", 198, 3),
    ("printed_edition_date", 201, 8),
    ("exceptional_clause", 209, 1),
    ("opus_number", 210, 25),
    ("catalogue_number", 235, 25),
    ("priority", 260, 1),
]

LAYOUTS: dict[str, list[Field]] = {
    "HDR": [
        ("record_type", 1, 3),
        ("sender_type", 4, 2),
        ("sender_id", 6, 9),
        ("sender_name", 15, 45),
        ("edi_version", 60, 5),
        ("creation_date", 65, 8),
        ("creation_time", 73, 6),
        ("transmission_date", 79, 8),
        ("character_set", 87, 15),
        ("cwr_version", 102, 3),
        ("cwr_revision", 105, 3),
        ("software_package", 108, 30),
        ("software_version", 138, 30),
    ],
    "GRH": [
        ("record_type", 1, 3),
        ("transaction_type", 4, 3),
        ("group_id", 7, 5),
        ("version", 12, 5),
        ("batch_request", 17, 10),
        ("submission_type", 27, 2),
    ],
    "GRT": [
        ("record_type", 1, 3),
        ("group_id", 4, 5),
        ("transaction_count", 9, 8),
        ("record_count", 17, 8),
        ("currency", 25, 3),
        ("monetary_value", 28, 10),
    ],
    "TRL": [
        ("record_type", 1, 3),
        ("group_count", 4, 5),
        ("transaction_count", 9, 8),
        ("record_count", 17, 8),
    ],
    "NWR": [*PREFIX, *WORK],
    "REV": [*PREFIX, *WORK],
    "SPU": [*PREFIX, *PUBLISHER],
    "OPU": [*PREFIX, *PUBLISHER],
    "SWR": [*PREFIX, *WRITER],
    "OWR": [*PREFIX, *WRITER],
    "SPT": [
        *PREFIX,
        ("ip_number", 20, 9),
        ("constant", 29, 6),
        ("pr_collection", 35, 5),
        ("mr_collection", 40, 5),
        ("sr_collection", 45, 5),
        ("inclusion", 50, 1),
        ("tis", 51, 4),
        ("shares_change", 55, 1),
        ("sequence", 56, 3),
    ],
    "SWT": [
        *PREFIX,
        ("ip_number", 20, 9),
        ("pr_collection", 29, 5),
        ("mr_collection", 34, 5),
        ("sr_collection", 39, 5),
        ("inclusion", 44, 1),
        ("tis", 45, 4),
        ("shares_change", 49, 1),
        ("sequence", 50, 3),
    ],
    "PWR": [
        *PREFIX,
        ("publisher_ip_number", 20, 9),
        ("publisher_name", 29, 45),
        ("submitter_agreement", 74, 14),
        ("society_agreement", 88, 14),
        ("writer_ip_number", 102, 9),
        ("publisher_seq", 111, 2),
    ],
    "ALT": [*PREFIX, ("title", 20, 60), ("title_type", 80, 2), ("language", 82, 2)],
    "PER": [
        *PREFIX,
        ("last_name", 20, 45),
        ("first_name", 65, 30),
        ("ipi_name_number", 95, 11),
        ("ipi_base_number", 106, 13),
    ],
    "REC": [
        *PREFIX,
        ("first_release_date", 20, 8),
        ("blank1", 28, 60),
        ("first_release_duration", 88, 6),
        ("blank2", 94, 5),
        ("album_title", 99, 60),
        ("album_label", 159, 60),
        ("catalogue_number", 219, 18),
        ("ean", 237, 13),
        ("isrc", 250, 12),
        ("recording_format", 262, 1),
        ("recording_technique", 263, 1),
        ("media_type", 264, 3),
        ("recording_title", 267, 60),
        ("version_title", 327, 60),
        ("display_artist", 387, 60),
        ("record_label", 447, 60),
        ("isrc_validity", 507, 20),
        ("submitter_recording_id", 527, 14),
    ],
    "ACK": [
        *PREFIX,
        ("creation_date", 20, 8),
        ("creation_time", 28, 6),
        ("original_group_id", 34, 5),
        ("original_transaction_seq", 39, 8),
        ("original_transaction_type", 47, 3),
        ("creation_title", 50, 60),
        ("submitter_creation_number", 110, 20),
        ("recipient_creation_number", 130, 20),
        ("processing_date", 150, 8),
        ("transaction_status", 158, 2),
    ],
    "MSG": [
        *PREFIX,
        ("message_type", 20, 1),
        ("original_record_seq", 21, 8),
        ("original_record_type", 29, 3),
        ("message_level", 32, 1),
        ("validation_number", 33, 3),
        ("message_text", 36, 150),
    ],
}

#: The shortest acceptable line per record type: up to the last field the reader relies on.
MIN_LENGTH: dict[str, int] = {
    "HDR": 86,
    "GRH": 26,
    "GRT": 24,
    "TRL": 24,
    "NWR": 154,
    "REV": 154,
    "SPU": 136,
    "OPU": 136,
    "SWR": 150,
    "OWR": 150,
    "SPT": 55,
    "SWT": 49,
    "PWR": 110,
    "ALT": 81,
    "PER": 94,
    "REC": 261,
    "ACK": 159,
    "MSG": 35,
}

#: The longest line per record type (CWR 2.2 lengths plus a little slack for trailing filler).
MAX_LENGTH: dict[str, int] = {
    "HDR": 200,
    "GRH": 40,
    "GRT": 40,
    "TRL": 40,
    "NWR": 290,
    "REV": 290,
    "SPU": 200,
    "OPU": 200,
    "SWR": 200,
    "OWR": 200,
    "SPT": 70,
    "SWT": 70,
    "PWR": 120,
    "ALT": 90,
    "PER": 130,
    "REC": 560,
}

#: Records inside a work transaction that we read.
DETAIL_RECORDS = frozenset({"SPU", "OPU", "SPT", "SWR", "OWR", "SWT", "PWR", "ALT", "PER", "REC"})
#: Records that may appear in a transaction and that we knowingly pass over.
SKIPPED_RECORDS = frozenset(
    {
        "VER",
        "ORN",
        "OPT",
        "OWT",
        "NAT",
        "NET",
        "NCT",
        "NVT",
        "NOW",
        "NPA",
        "NPN",
        "NPR",
        "NWN",
        "EWT",
        "COM",
        "INS",
        "IND",
        "ARI",
        "XRF",
        "NPE",
    }
)
KNOWN_RECORDS = frozenset(LAYOUTS) | SKIPPED_RECORDS


def parse(line: str, record_type: str) -> dict[str, str]:
    """Cut ``line`` into the fields of ``record_type``; fields beyond the line's end are empty."""
    return {
        name: line[start - 1 : start - 1 + length].strip() for name, start, length in LAYOUTS[record_type]
    }


def format_record(record_type: str, values: dict[str, object]) -> str:
    """Lay ``values`` out in the fixed columns of ``record_type``; numbers are zero-padded on the left."""
    layout = LAYOUTS[record_type]
    width = max(start - 1 + length for _, start, length in layout)
    out = [" "] * width
    for name, start, length in layout:
        value = record_type if name == "record_type" else values.get(name)
        if value is None:
            continue
        text = f"{value:0{length}d}" if isinstance(value, int) else str(value)
        out[start - 1 : start - 1 + length] = list(text[:length].ljust(length))
    return "".join(out)


def parse_share(text: str) -> Decimal:
    """A CWR share: five digits, three integer and two decimal (``05000`` is 50.00 %)."""
    text = text.strip()
    if not text:
        return Decimal("0.00")
    if not is_ascii_digits(text):
        raise ValueError(text)
    return (Decimal(int(text)) / 100).quantize(Decimal("0.01"))


def format_share(percent: Decimal | None) -> str:
    if not percent:
        return "00000"
    try:
        return f"{int((percent * 100).to_integral_value()):05d}"
    except InvalidOperation:
        return "00000"

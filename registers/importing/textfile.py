"""Text files for import (CSV and CWR): which encoding, read line by line, and why a file is not text.

A file is read in chunks, never whole, and the encoding is decided before any line is imported:

1. a byte-order mark decides: UTF-8, UTF-16 (LE/BE) or UTF-32 (LE/BE);
2. otherwise a file that is valid UTF-8 is UTF-8 (ASCII is a part of it);
3. otherwise, for CSV only, the legacy code pages of the region are tried: windows-1251 (Cyrillic,
   what Excel writes on a Russian or Kazakh Windows) and windows-1252 (Western European). One is
   taken only if it reads as plausible text and the other does not (letters of one script per word,
   accented Latin letters only here and there); if both or neither do, the file is refused as
   ambiguous, naming the first byte that is not UTF-8. "Café Jürgen" in windows-1252 reads as
   Latin words there, and as words mixing Latin and Cyrillic letters in windows-1251: it is taken as
   windows-1252, never imported as "Cafй Jьrgen".

CWR files follow the CWR 2.2 functional specification (§2.1 and the HDR record): data is ASCII
unless the HDR record names a character set in columns 87-101 (UTF-8, or Big5/GB for Chinese). A
CWR file naming none must be ASCII; valid UTF-8 is also read, since UTF-8 cannot be mistaken for
anything else. Other bytes are refused with their line.

A NUL byte or another control character (other than tab, line feed, carriage return and form feed)
means the file is not text: it is refused with the line where it was found.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

CHUNK = 1 << 20
LEGACY = ("cp1251", "cp1252")
LEGACY_NAMES = {"cp1251": "windows-1251", "cp1252": "windows-1252"}
BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
CWR_CHARSETS = {"UTF-8": "utf-8", "UTF8": "utf-8", "BIG5": "big5", "GB": "gb18030", "GB2312": "gb18030"}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
LINE_BREAK = re.compile(r"\r\n|\r|\n")
BYTE_BREAK = re.compile(rb"\r\n|\r|\n")
#: Punctuation outside ASCII that both text and legacy code pages are full of.
TYPOGRAPHY = frozenset("\u00a0«»–—‘’‚“”„…№°©®™·•§€")
WORD = re.compile(r"\w+")
NON_ASCII = re.compile(r"[^\x00-\x7f]")


class NotText(Exception):
    """The file cannot be read as text; ``code`` and ``params`` say why, ``line`` where."""

    def __init__(self, line: int, code: str, **params: Any) -> None:
        super().__init__(code)
        self.line = line
        self.code = code
        self.params = params


@dataclass
class Encoding:
    codec: str  #: Python codec used to decode the bytes after the byte-order mark
    name: str  #: what the user is told
    skip: int = 0  #: length of the byte-order mark
    guessed: bool = False  #: a legacy code page chosen by plausibility
    details: dict[str, Any] = field(default_factory=dict)


def chunks(fh: IO[bytes], skip: int = 0) -> Iterator[bytes]:
    fh.seek(skip)
    while chunk := fh.read(CHUNK):
        yield chunk


def count_breaks(text: str) -> int:
    return len(LINE_BREAK.findall(text))


def decoded(fh: IO[bytes], encoding: Encoding, check_only: bool = False) -> Iterator[str]:
    """The file's text, chunk by chunk; :class:`NotText` names the line of the first bad byte. Lines are
    counted only when there is one to name (a file of millions of lines is not split for nothing).
    ``check_only``: the text is not wanted, only whether it decodes; in an ASCII-compatible encoding a chunk of
    ASCII bytes with no character begun before it decodes as it is, and ``""`` stands for its text."""
    decoder = codecs.getincrementaldecoder(encoding.codec)("strict")
    offset = encoding.skip
    as_is = check_only and ascii_compatible(encoding)
    for chunk in chunks(fh, encoding.skip):
        held = len(decoder.getstate()[0])  # bytes of a character begun at the end of the chunk before
        if as_is and not held and chunk.isascii():
            offset += len(chunk)
            yield ""
            continue
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:  # exc.object is the held bytes and this chunk
            line = _breaks_before(fh, encoding, offset - held + exc.start) + 1
            code = _bad_byte_code(encoding)
            raise NotText(line, code, byte=_hex(exc.object[exc.start]), name=encoding.name) from None
        offset += len(chunk)
        yield text
    try:
        text = decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise NotText(
            _breaks_before(fh, encoding, offset) + 1, "truncated_character", name=encoding.name
        ) from None
    if text:
        yield text


def _breaks_before(fh: IO[bytes], encoding: Encoding, end: int) -> int:
    """The line breaks in the file's text before byte ``end`` (bad bytes read as replacement characters)."""
    decoder = codecs.getincrementaldecoder(encoding.codec)("replace")
    position = fh.tell()
    fh.seek(encoding.skip)
    left = end - encoding.skip
    breaks, tail = 0, ""
    while left > 0 and (chunk := fh.read(min(CHUNK, left))):
        left -= len(chunk)
        text = decoder.decode(chunk)
        breaks += count_breaks(tail + text) - count_breaks(tail)
        tail = text[-1:]
    fh.seek(position)
    return breaks


def _bad_byte_code(encoding: Encoding) -> str:
    return "bad_byte_cwr" if encoding.details.get("cwr_undeclared") else "bad_byte"


def _hex(byte: int) -> str:
    return f"0x{byte:02X}"


def lines(fh: IO[bytes], encoding: Encoding) -> Iterator[str]:
    """The file's lines with their line breaks (CR LF, LF or CR), as the csv module wants them."""
    pending = ""
    for text in decoded(fh, encoding):
        text = pending + text
        start = 0
        for match in LINE_BREAK.finditer(text):
            if match.group() == "\r" and match.end() == len(text):
                break  # a CR LF may be split between chunks
            yield text[start : match.end()]
            start = match.end()
        pending = text[start:]
    if pending:
        yield pending


def check_controls(fh: IO[bytes], encoding: Encoding) -> None:
    """Refuse a file with a NUL byte or other control character, naming its line."""
    number = 0
    for number, line in enumerate(lines(fh, encoding), start=1):  # noqa: B007
        match = CONTROL.search(line)
        if match is not None:
            char = match.group()
            code = "nul_byte" if char == "\x00" else "control_character"
            raise NotText(number, code, char=f"U+{ord(char):04X}")


# -- choosing the encoding ---------------------------------------------------------------------------
def detect(fh: IO[bytes], kind: str) -> Encoding:
    """The encoding of a ``csv`` or ``cwr`` file whose every line is text; else :class:`NotText`."""
    if by_bom(fh) is None:
        _refuse_nul(fh)
    encoding = detect_cwr(fh) if kind == "cwr" else detect_csv(fh)
    check_controls(fh, encoding)
    return encoding


def _refuse_nul(fh: IO[bytes]) -> None:
    """A NUL byte in a file without a byte-order mark: binary, or UTF-16 without its mark."""
    offset = 0
    for chunk in chunks(fh):
        at = chunk.find(b"\x00")
        if at >= 0:
            raise NotText(_byte_breaks_before(fh, offset + at) + 1, "nul_byte", char="U+0000")
        offset += len(chunk)


def _byte_breaks_before(fh: IO[bytes], end: int) -> int:
    breaks, tail = 0, b""
    fh.seek(0)
    left = end
    while left > 0 and (chunk := fh.read(min(CHUNK, left))):
        left -= len(chunk)
        breaks += len(BYTE_BREAK.findall(tail + chunk)) - len(BYTE_BREAK.findall(tail))
        tail = chunk[-1:]
    return breaks


#: The control characters refused (as :data:`CONTROL`), as bytes: the same in every ASCII-compatible encoding,
#: where no byte of a multi-byte character is below 0x80.
CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b not in CONTROL_BYTES)
ASCII_COMPATIBLE = frozenset({"utf-8", "cp1251", "cp1252", "ascii"})


def ascii_compatible(encoding: Encoding) -> bool:
    return codecs.lookup(encoding.codec).name in {codecs.lookup(c).name for c in ASCII_COMPATIBLE}


def has_control(fh: IO[bytes], encoding: Encoding) -> bool:
    """Whether the file's text has a refused control character: for an ASCII-compatible encoding a test of
    the bytes at C speed, otherwise of the decoded text."""
    if ascii_compatible(encoding):
        return any(chunk.translate(None, _NOT_CONTROL_BYTES) for chunk in chunks(fh, encoding.skip))
    return any(CONTROL.search(text) is not None for text in decoded(fh, encoding))


def by_bom(fh: IO[bytes]) -> Encoding | None:
    fh.seek(0)
    head = fh.read(4)
    for mark, codec, name in BOMS:
        if head.startswith(mark):
            return Encoding(codec, name, skip=len(mark))
    return None


def _valid(fh: IO[bytes], encoding: Encoding) -> NotText | None:
    try:
        for _text in decoded(fh, encoding, check_only=True):
            pass
    except NotText as exc:
        return exc
    return None


def detect_csv(fh: IO[bytes]) -> Encoding:
    """The encoding of a CSV file, or :class:`NotText` saying why it cannot be told."""
    encoding = by_bom(fh)
    if encoding is not None:
        _raise(_valid(fh, encoding))
        return encoding
    utf8 = Encoding("utf-8", "UTF-8")
    not_utf8 = _valid(fh, utf8)
    if not_utf8 is None:
        return utf8
    plausible = [codec for codec in LEGACY if _plausible(fh, codec)]
    if len(plausible) == 2 and _same_text(fh):
        plausible = plausible[1:]
    if len(plausible) == 1:
        codec = plausible[0]
        return Encoding(codec, LEGACY_NAMES[codec], guessed=True)
    if plausible:
        not_utf8.code = "ambiguous_encoding"
        not_utf8.params["candidates"] = " / ".join(LEGACY_NAMES[c] for c in plausible)
    raise not_utf8


def detect_cwr(fh: IO[bytes]) -> Encoding:
    """The encoding of a CWR file: its byte-order mark, the HDR character set, or ASCII/UTF-8."""
    encoding = by_bom(fh)
    if encoding is None:
        fh.seek(0)
        head = fh.readline(4096)
        declared = head[86:101].decode("ascii", "replace").strip().upper() if head.startswith(b"HDR") else ""
        if declared and declared not in CWR_CHARSETS:
            raise NotText(1, "cwr_charset_unknown", charset=declared)
        codec = CWR_CHARSETS.get(declared, "utf-8")
        encoding = Encoding(codec, declared or "ASCII", details={"cwr_undeclared": not declared})
    _raise(_valid(fh, encoding))
    return encoding


def _raise(problem: NotText | None) -> None:
    if problem is not None:
        raise problem


def _high_bytes(fh: IO[bytes]) -> set[int]:
    seen: set[int] = set()
    for chunk in chunks(fh):
        seen.update(chunk.translate(None, bytes(range(128))))
    return seen


def _same_text(fh: IO[bytes]) -> bool:
    """Every byte above ASCII in the file reads the same in all legacy code pages (e.g. only « »)."""
    for byte in _high_bytes(fh):
        readings = {bytes([byte]).decode(codec, "replace") for codec in LEGACY}
        if len(readings) > 1:
            return False
    return True


def _plausible(fh: IO[bytes], codec: str) -> bool:
    """Does the file read as text in ``codec``: no control characters, and words of one script?"""
    encoding = Encoding(codec, LEGACY_NAMES[codec])
    try:
        for line in lines(fh, encoding):
            if CONTROL.search(line) or not _plausible_line(line):
                return False
    except NotText:
        return False
    return True


def _plausible_line(line: str) -> bool:
    if line.isascii():
        return True
    for char in set(NON_ASCII.findall(line)):
        if not char.isalpha() and char not in TYPOGRAPHY:
            return False
    for match in WORD.finditer(line):
        word = match.group()
        if word.isascii():
            continue
        cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in word)
        latin = sum(ch.isalpha() and ch < "\u0250" for ch in word)
        if cyrillic and latin:
            return False  # "Cafй": one word in two scripts
        accented = sum(ch.isalpha() and "\u00c0" <= ch < "\u0250" for ch in word)
        if len(word) >= 3 and accented * 2 > len(word):
            return False  # "Ïåñíÿ": Cyrillic read as windows-1252
    return True

"""Whether a file decodes, checked a chunk at a time: a chunk of plain ASCII is taken as it is, without
decoding, and the first bad byte is still named at its own line, wherever the chunks fall."""

from __future__ import annotations

import io

import pytest

from registers.importing import textfile

UTF8 = textfile.Encoding("utf-8", "UTF-8")
ASCII_LINE = b"KZA012600001\tSong\tArtist\t3\n"  # 26 bytes


def _ascii_lines(size: int) -> tuple[bytes, int]:
    """Plain ASCII lines of at least ``size`` bytes, and how many lines that is."""
    count = size // len(ASCII_LINE) + 1
    return ASCII_LINE * count, count


def _problem(data: bytes, check_only: bool) -> tuple[int, str] | None:
    try:
        for _text in textfile.decoded(io.BytesIO(data), UTF8, check_only=check_only):
            pass
    except textfile.NotText as exc:
        return exc.line, exc.code
    return None


@pytest.mark.parametrize("check_only", [False, True])
def test_a_bad_byte_after_a_chunk_of_ascii_is_named_at_its_line(check_only: bool) -> None:
    body, lines = _ascii_lines(textfile.CHUNK + 5000)
    data = body + b"\xc0\xc0 not UTF-8\n" + ASCII_LINE
    assert _problem(data, check_only) == (lines + 1, "bad_byte")


@pytest.mark.parametrize("check_only", [False, True])
def test_a_character_split_across_chunks_decodes(check_only: bool) -> None:
    """«Ә» (two bytes) has its first byte as the first chunk's last: the next chunk, ASCII after that byte, is
    decoded with it rather than taken as it is."""
    head = b"x" * (textfile.CHUNK - 1)
    body, _ = _ascii_lines(textfile.CHUNK)
    data = head + "Ә".encode() + b"\n" + body
    assert data[textfile.CHUNK - 1 : textfile.CHUNK + 1] == "Ә".encode()
    assert _problem(data, check_only) is None


@pytest.mark.parametrize("check_only", [False, True])
def test_a_character_begun_before_an_ascii_chunk_is_a_bad_byte_there(check_only: bool) -> None:
    """The first chunk ends with the first byte of a two-byte character; the next chunk is plain ASCII, so the
    character is never finished: the byte is named on its own line, not as a truncated end of file."""
    head = b"x" * (textfile.CHUNK - 1) + b"\xd3"
    body, _ = _ascii_lines(textfile.CHUNK)
    assert _problem(head + b"\n" + body, check_only) == (1, "bad_byte")


@pytest.mark.parametrize("check_only", [False, True])
def test_a_character_cut_off_at_the_end_is_named(check_only: bool) -> None:
    body, lines = _ascii_lines(textfile.CHUNK + 10)
    assert _problem(body + b"\xd3", check_only) == (lines + 1, "truncated_character")


def test_only_the_text_is_given_when_it_is_wanted() -> None:
    body, _ = _ascii_lines(2 * textfile.CHUNK)
    data = "Дала\n".encode() + body
    assert "".join(textfile.decoded(io.BytesIO(data), UTF8)) == data.decode()
    # checked only: the ASCII chunks stand as "" (the first, with «Дала», is decoded)
    checked = list(textfile.decoded(io.BytesIO(data), UTF8, check_only=True))
    assert checked[0].startswith("Дала") and set(checked[1:]) == {""}

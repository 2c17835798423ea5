"""Small, strict text checks for user input.

Python's ``str.isdigit()`` and ``re``'s ``\\d`` accept any Unicode digit ("²", "١"), which ``int()``
or PostgreSQL then refuse: identifiers and ids are ASCII digits only.
"""

from __future__ import annotations


def is_ascii_digits(text: str) -> bool:
    """``text`` is one or more of 0-9."""
    return bool(text) and text.isascii() and text.isdigit()


def has_nul(text: str) -> bool:
    return "\x00" in text

"""English dates and numbers as read in Kazakhstan, not in the United States.

Django's English formats put the month first (12/04/2026 is the 4th of December there and the 12th of
April here) and use a 12-hour clock. English pages write the month as a word, after the day, and a
24-hour clock: 4 December 2026, 4 Dec 2026 14:40. Numbers keep the English point and comma (1,234.5).

Input: ISO first (``<input type="date">`` sends and expects it), then the day first as people type it
here (04.12.2026), or with the month in words (4 Dec 2026); never month-first. Times as in Kazakh.
"""

from udp.formats.kk.formats import DATETIME_INPUT_FORMATS, TIME_INPUT_FORMATS  # noqa: F401  (Django reads them here)

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d %b %Y", "%d %B %Y"]

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

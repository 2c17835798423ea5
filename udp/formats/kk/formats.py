"""Kazakh dates and numbers (Django ships no Kazakh formats).

Dates are day.month.year and times on a 24-hour clock, as on eGov forms: 31.12.1974, 09:00. Where a
month is written out it is lower case and follows the day, or the year with «ж.» (31 желтоқсан,
1974 ж. желтоқсан): Django's ``E`` ("alt. month") is translated to the lower-case month names in our
catalogue. Decimals take a comma and thousands a non-breaking space (1 234,5).

Input: what people type (31.12.1974) as well as ISO, which comes first because ``<input type="date">``
sends and expects it and Django fills a date input with the first input format.
"""

DATE_FORMAT = "d.m.Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "d.m.Y H:i"
YEAR_MONTH_FORMAT = "Y ж. E"
MONTH_DAY_FORMAT = "j E"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%y %H:%M",
]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # non-breaking space
NUMBER_GROUPING = 3

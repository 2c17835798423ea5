"""Russian: Django's formats, except that ISO comes first among the date input formats and a day
and month read "31 декабря".

Django fills a date input with the first input format, and Russian's is 31.12.1974, which an
``<input type="date">`` cannot show (it sends and expects ISO): an existing date would look empty and
be lost on saving. People may still type 31.12.1974 where a plain text field takes a date.
"""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M:%S.%f",
    "%d.%m.%Y %H:%M",
    "%d.%m.%y %H:%M:%S",
    "%d.%m.%y %H:%M:%S.%f",
    "%d.%m.%y %H:%M",
]

# "31 декабря" (Django's Russian gives "31 Декабрь")
MONTH_DAY_FORMAT = "j E"

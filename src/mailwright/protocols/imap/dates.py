"""IMAP dates: ``1-Feb-1994`` in SEARCH and ``17-Jul-1996 02:44:25 -0700`` for INTERNALDATE.

Month names are fixed English abbreviations (RFC 3501 9 date-month), so this
module never uses locale-dependent ``strftime("%b")``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_NUMBERS = {name.upper(): number for number, name in enumerate(MONTHS, start=1)}

# RFC 3501 9: date-text = date-day "-" date-month "-" date-year; date-day = 1*2DIGIT
_DATE = re.compile(r"([0-9]{1,2})-([A-Za-z]{3})-([0-9]{4})", re.ASCII)
# RFC 3501 9: date-time = DQUOTE date-day-fixed "-" date-month "-" date-year
#   SP time SP zone DQUOTE; date-day-fixed = (SP DIGIT) / 2DIGIT
_DATE_TIME = re.compile(
    r"( [0-9]|[0-9]{2})-([A-Za-z]{3})-([0-9]{4}) "
    r"([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-])([0-9]{2})([0-9]{2})",
    re.ASCII,
)


def _month(name: str) -> int:
    try:
        return _MONTH_NUMBERS[name.upper()]
    except KeyError:
        raise ValueError(f"unknown month {name!r}") from None


def parse_date(text: str) -> date:
    """Parse a SEARCH date such as ``1-Feb-1994``.

    Raises:
        ValueError: not ``d-Mon-yyyy``, or no such day.
    """
    found = _DATE.fullmatch(text)
    if found is None:
        raise ValueError(f"date {text[:40]!r} is not d-Mon-yyyy")
    day, month_name, year = found.groups()
    month = _month(month_name)
    try:
        return date(int(year), month, int(day))
    except ValueError as error:
        raise ValueError(f"date {text!r} does not exist: {error}") from None


def parse_date_time(text: str) -> datetime:
    """Parse an APPEND date-time such as ``17-Jul-1996 02:44:25 -0700``.

    Raises:
        ValueError: not ``dd-Mon-yyyy hh:mm:ss +zzzz``, or no such moment.
    """
    found = _DATE_TIME.fullmatch(text)
    if found is None:
        raise ValueError(f"date-time {text[:40]!r} is not dd-Mon-yyyy hh:mm:ss +zzzz")
    day, month_name, year, hour, minute, second, sign, zone_h, zone_m = found.groups()
    month = _month(month_name)
    if int(zone_h) > 23 or int(zone_m) > 59:
        raise ValueError(f"time zone {sign}{zone_h}{zone_m} is out of range")
    offset = timedelta(hours=int(zone_h), minutes=int(zone_m))
    zone = timezone(-offset if sign == "-" else offset)
    try:
        return datetime(
            int(year), month, int(day), int(hour), int(minute), int(second), tzinfo=zone
        )
    except ValueError as error:
        raise ValueError(f"date-time {text!r} does not exist: {error}") from None


def format_internal_date(moment: datetime) -> str:
    """Format INTERNALDATE: ``17-Jul-1996 02:44:25 -0700`` (RFC 3501 9 date-time, unquoted).

    Raises:
        ValueError: `moment` is naive; an IMAP date-time always carries its zone.
    """
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("INTERNALDATE needs an aware datetime")
    minutes = int(offset.total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return (
        f"{moment.day:02d}-{MONTHS[moment.month - 1]}-{moment.year:04d} "
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} {sign}{hours:02d}{mins:02d}"
    )

"""IMAP date and date-time formats (protocols/imap/dates.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from mailwright.protocols.imap.dates import format_internal_date, parse_date, parse_date_time

PDT = timezone(timedelta(hours=-7))


def test_formats_internal_date() -> None:
    """format_internal_date gives RFC 3501 date-time text with a numeric zone."""
    moment = datetime(1996, 7, 17, 2, 44, 25, tzinfo=PDT)
    assert format_internal_date(moment) == "17-Jul-1996 02:44:25 -0700"


def test_formats_single_digit_day_with_two_digits() -> None:
    """Days below 10 are zero-padded (date-day-fixed allows it) and UTC is +0000."""
    assert format_internal_date(datetime(2024, 1, 5, 9, 3, 0, tzinfo=UTC)) == (
        "05-Jan-2024 09:03:00 +0000"
    )


def test_formats_half_hour_zones() -> None:
    """Zones with minutes keep them: +0530, -0930."""
    india = timezone(timedelta(hours=5, minutes=30))
    marquesas = timezone(-timedelta(hours=9, minutes=30))
    assert format_internal_date(datetime(2024, 3, 1, tzinfo=india)).endswith("+0530")
    assert format_internal_date(datetime(2024, 3, 1, tzinfo=marquesas)).endswith("-0930")


def test_refuses_naive_datetime() -> None:
    """A naive datetime has no zone to write, so it is a ValueError."""
    with pytest.raises(ValueError, match="aware"):
        format_internal_date(datetime(2024, 1, 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17-Jul-1996 02:44:25 -0700", datetime(1996, 7, 17, 2, 44, 25, tzinfo=PDT)),
        (" 7-jul-1996 02:44:25 +0000", datetime(1996, 7, 7, 2, 44, 25, tzinfo=UTC)),
        ("07-JUL-1996 02:44:25 +0000", datetime(1996, 7, 7, 2, 44, 25, tzinfo=UTC)),
    ],
)
def test_parses_date_time(text: str, expected: datetime) -> None:
    """APPEND date-times parse with day-fixed, any-case months and zone."""
    assert parse_date_time(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("7-Jul-1996 02:44:25 +0000", "is not dd-Mon-yyyy"),
        ("17-Jul-1996 02:44 +0000", "is not dd-Mon-yyyy"),
        ("31-Jun-1996 02:44:25 +0000", "does not exist"),
        ("17-Jul-1996 24:00:00 +0000", "does not exist"),
        ("17-Jul-1996 02:44:25 +2400", r"time zone \+2400 is out of range"),
        ("17-Jul-1996 02:44:25 +0060", r"time zone \+0060 is out of range"),
        ("17-Xyz-1996 02:44:25 +0000", "unknown month"),
    ],
)
def test_rejects_bad_date_time(text: str, reason: str) -> None:
    """Malformed or impossible date-times raise ValueError with a reason."""
    with pytest.raises(ValueError, match=reason):
        parse_date_time(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1-Feb-1994", date(1994, 2, 1)), ("29-feb-2024", date(2024, 2, 29))],
)
def test_parses_search_date(text: str, expected: date) -> None:
    """SEARCH dates parse with one- or two-digit days."""
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["29-Feb-2023", "1-Feb-94", "001-Feb-1994", "1 Feb 1994"])
def test_rejects_bad_search_date(text: str) -> None:
    """Impossible or misshapen SEARCH dates raise ValueError."""
    with pytest.raises(ValueError, match="date"):
        parse_date(text)

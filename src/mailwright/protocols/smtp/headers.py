"""Checks and additions on a message's header section (RFC 5322 2.2, 3.6)."""

from __future__ import annotations

import re
from collections.abc import Iterator

_FIELD_NAME = re.compile(rb"^[\x21-\x39\x3b-\x7e]+$")
MAX_HEADER_BYTES = 1024 * 1024


def header_section(message: bytes) -> bytes:
    """The header section without the blank line (the whole message if it has no body)."""
    end = message.find(b"\r\n\r\n")
    return message if end < 0 else message[: end + 2]


def iter_fields(message: bytes) -> Iterator[tuple[str, bytes]]:
    """(lower-case name, raw value with continuation lines) for each header field."""
    name: str | None = None
    value: list[bytes] = []
    for line in header_section(message).split(b"\r\n"):
        if line[:1] in (b" ", b"\t") and name is not None:
            value.append(line)
            continue
        if name is not None:
            yield name, b"\r\n".join(value)
        head, colon, rest = line.partition(b":")
        name = head.strip().decode("ascii", "replace").lower() if colon else None
        value = [rest]
    if name is not None:
        yield name, b"\r\n".join(value)


def header_problem(message: bytes) -> str | None:
    """Why the header section is malformed, or None when it is acceptable.

    Acceptable: every line before the first empty line is a field (name: value) or a
    continuation, the section is at most 1 MiB, and there is a From field.
    """
    section = header_section(message)
    if len(section) > MAX_HEADER_BYTES:
        return "The header section is larger than 1 MiB."
    has_from = False
    for number, line in enumerate(section.split(b"\r\n")[:-1], start=1):
        if line[:1] in (b" ", b"\t"):
            if number == 1:
                return "The message starts with a continuation line."
            continue
        name, colon, _ = line.partition(b":")
        if not colon or not _FIELD_NAME.match(name.rstrip(b" \t")):
            return f"Header line {number} is not a valid header field."
        if name.strip().lower() == b"from":
            has_from = True
    if not has_from:
        return "The message has no From header field."
    return None


def has_field(message: bytes, name: str) -> bool:
    """True when the header section has a field called ``name``."""
    wanted = name.lower()
    return any(field == wanted for field, _ in iter_fields(message))


def received_field(
    *,
    helo: str,
    peer: str,
    hostname: str,
    protocol: str,
    queue_id: str,
    recipient: str | None,
    when: str,
) -> bytes:
    """A ``Received`` field (RFC 5321 4.4) with the RFC 3848 protocol keyword."""
    safe_helo = re.sub(r"[^\x21-\x7e]", "?", helo)[:255]
    lines = [
        f"Received: from {safe_helo} ([{peer}])",
        f"\tby {hostname} (Mailwright) with {protocol} id {queue_id}",
    ]
    if recipient is not None:
        lines.append(f"\tfor <{recipient}>")
    lines[-1] += f"; {when}"
    return ("\r\n".join(lines) + "\r\n").encode("utf-8", "replace")

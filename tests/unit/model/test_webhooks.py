"""Webhook rules: target URLs, private addresses, event kinds, backoff."""

from __future__ import annotations

import ipaddress
from datetime import timedelta

import pytest

from mailwright.model.errors import InvalidInput
from mailwright.model.outbound import EventKind
from mailwright.model.webhooks import (
    ALL_EVENTS,
    WebhookRetryPolicy,
    check_private_address,
    parse_description,
    parse_event_kinds,
    parse_webhook_url,
)

PRIVATE = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "239.1.1.1",
    "192.0.2.10",
    "::1",
    "fe80::1",
    "fc00::1",
    "ff02::1",
    "::",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "2002:7f00:1::",
    "2001:db8::1",
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001:80b::200e"]


@pytest.mark.parametrize("text", PRIVATE)
def test_private_addresses_are_recognised(text: str) -> None:
    """Loopback, private, link-local, multicast, shared, reserved and mapped forms count as
    private."""
    assert check_private_address(ipaddress.ip_address(text))


@pytest.mark.parametrize("text", PUBLIC)
def test_public_addresses_are_allowed(text: str) -> None:
    """Public unicast addresses of both families are not private."""
    assert not check_private_address(ipaddress.ip_address(text))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "https://[::1]/hook",
        "http://10.0.0.5/",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:9000/",
        "http://api.localhost/",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_private_targets_are_refused_unless_allowed(url: str) -> None:
    """Literal private addresses and localhost names are refused, and accepted when the
    operator allows private targets."""
    with pytest.raises(InvalidInput) as refused:
        parse_webhook_url(url, allow_private=False)
    assert refused.value.problems[0].field == "url"
    assert parse_webhook_url(url, allow_private=True) == url


@pytest.mark.parametrize(
    "url",
    [
        "",
        "ftp://example.org/",
        "https://",
        "example.org/hook",
        "https://user:pw@example.org/hook",
        "https://example.org/hook#part",
        "https://exa mple.org/",
        "https://example.org:0/",
        "https://example.org:99999/",
        "http://224.0.0.1/",
        "https://example.org/" + "a" * 2048,
    ],
)
def test_malformed_urls_are_refused(url: str) -> None:
    """Only absolute http(s) URLs with a host, no credentials or fragment, are targets;
    multicast is refused even when private targets are allowed."""
    with pytest.raises(InvalidInput):
        parse_webhook_url(url, allow_private=True)


def test_public_urls_are_kept_as_given() -> None:
    """A public URL passes unchanged (surrounding spaces trimmed)."""
    url = "https://hooks.example.org:8443/mailwright?team=ops"
    assert parse_webhook_url(f"  {url} ", allow_private=False) == url


def test_event_kinds_default_to_all_and_reject_unknown() -> None:
    """No kinds means every kind; names are case-insensitive; unknown ones are named."""
    assert parse_event_kinds(None) == ALL_EVENTS == parse_event_kinds([])
    assert parse_event_kinds(["Bounced", "failed"]) == {EventKind.BOUNCED, EventKind.FAILED}
    with pytest.raises(InvalidInput) as refused:
        parse_event_kinds(["opened"])
    assert "'opened'" in refused.value.message


def test_description_is_bounded_and_printable() -> None:
    """Descriptions collapse whitespace and refuse control characters and excess length."""
    assert parse_description("  CRM   sync ") == "CRM sync"
    for bad in ("a\x00b", "x" * 201):
        with pytest.raises(InvalidInput):
            parse_description(bad)


def test_retry_delay_doubles_up_to_the_cap() -> None:
    """Backoff is base, 2 x base, 4 x base ... capped at the maximum."""
    policy = WebhookRetryPolicy(base_seconds=30, max_seconds=100)
    delays = [policy.delay(n) for n in (1, 2, 3, 4)]
    assert delays == [timedelta(seconds=s) for s in (30, 60, 100, 100)]

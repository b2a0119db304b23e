"""Address and domain parsing."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailwright.model.addresses import Address, find_address, parse_address, parse_domain
from mailwright.model.errors import InvalidInput


def test_parse_address_folds_case() -> None:
    """Local part and domain are stored in lower case."""
    assert parse_address(" Alice@Example.TEST ") == Address("alice", "example.test")


def test_parse_domain_encodes_idna() -> None:
    """Unicode domains become their ASCII (punycode) form."""
    assert parse_domain("bücher.example") == "xn--bcher-kva.example"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "alice",
        "@example.test",
        "alice@",
        "alice@localhost",
        "a b@example.test",
        "alice@-bad.test",
        "x" * 65 + "@example.test",
        "alice@example.123",
    ],
)
def test_parse_address_rejects_invalid(text: str) -> None:
    """Malformed addresses raise InvalidInput naming the field."""
    with pytest.raises(InvalidInput) as error:
        parse_address(text)
    assert error.value.problems[0].field == "address"


def test_find_address_returns_none_for_garbage() -> None:
    """find_address answers None instead of raising."""
    assert find_address("not an address") is None


@given(st.text(max_size=80))
def test_parse_address_only_raises_invalid_input(text: str) -> None:
    """Any text either parses or raises InvalidInput, nothing else."""
    with contextlib.suppress(InvalidInput):
        parse_address(text)

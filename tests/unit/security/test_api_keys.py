"""API key material: shape, randomness and parsing."""

from __future__ import annotations

from mailwright.security.api_keys import check_prefix, find_api_key_prefix, generate_api_key


def test_generated_keys_have_the_documented_shape() -> None:
    """``mw_<10 lower-case letters or digits>_<43 URL-safe characters>``, parseable back."""
    for _ in range(200):
        new = generate_api_key()
        marker, prefix, secret = new.key.split("_", 2)
        assert marker == "mw" and prefix == new.prefix and len(secret) == 43
        assert check_prefix(prefix) and "_" not in prefix
        assert find_api_key_prefix(new.key) == new.prefix


def test_generated_keys_differ() -> None:
    """Two keys never share a prefix or a secret (in any realistic number of draws)."""
    keys = [generate_api_key() for _ in range(500)]
    assert len({k.prefix for k in keys}) == 500 and len({k.key for k in keys}) == 500


def test_text_that_cannot_be_a_key_has_no_prefix() -> None:
    """Wrong marker, prefix, secret length or extra characters give None."""
    key = generate_api_key().key
    for text in [
        "",
        "mw_",
        key + "=",
        " " + key,
        key.upper(),
        key[:-1],
        "mw_ABCDEFGHIJ_" + "a" * 43,
    ]:
        assert find_api_key_prefix(text) is None
    assert not check_prefix("short") and not check_prefix("abc_efghij")

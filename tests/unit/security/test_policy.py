"""The password policy."""

from __future__ import annotations

from mailwright.security.generator import generate_password
from mailwright.security.policy import PolicySettings, check_password

DEFAULT = PolicySettings()


def test_strong_password_passes() -> None:
    """A long random-looking passphrase passes every rule."""
    report = check_password("Velvet-Harbor-Quartz-71", DEFAULT, local_part="alice")
    assert report.ok
    assert report.score >= 3


def test_every_failed_rule_is_reported() -> None:
    """A short common password gets one reason per failed rule, in words."""
    report = check_password("password", DEFAULT)
    assert len(report.reasons) == 3
    assert "shorter than 12 characters" in report.reasons[0]
    assert "commonly used" in report.reasons[1]
    assert "too easy to guess" in report.reasons[2]


def test_local_part_and_display_name_are_refused() -> None:
    """A password containing the mailbox name or the owner's name is refused."""
    report = check_password(
        "xyzzy-Alice-8831-qwv", DEFAULT, local_part="alice", display_name="Alice Liddell"
    )
    assert any("mailbox's name" in r for r in report.reasons)
    assert any("display name" in r for r in report.reasons)
    report = check_password("Liddell-forever-2931x", DEFAULT, display_name="Alice Liddell")
    assert any("display name" in r for r in report.reasons)


def test_length_limits() -> None:
    """More than 256 characters is refused; zxcvbn's 72-character limit is no problem."""
    long_ok = "Quartz-" + "x8Q!" * 20
    assert check_password(long_ok, DEFAULT).ok
    assert any("longer than 256" in r for r in check_password("aB3$" * 70, DEFAULT).reasons)


def test_domain_can_only_tighten() -> None:
    """A domain's values make the policy stricter, never looser."""
    assert DEFAULT.stricter(16, 4).min_length == 16
    assert DEFAULT.stricter(8, 1) == DEFAULT


def test_generated_passwords_pass_the_policy() -> None:
    """Generated passwords always satisfy the default policy."""
    for _ in range(50):
        assert check_password(generate_password(), DEFAULT, local_part="alice").ok

"""The password policy: every rule checked, every failure named in plain words.

Rules (PRODUCT.md): length 12..256; not a common or breached password; not containing the
mailbox's local part or display name; zxcvbn strength at least 3 of 4; not one of the mailbox's
last 5 passwords (that rule needs the stored hashes and lives in ``services.passwords``).
A domain may make the length and strength rules stricter, never looser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from zxcvbn import zxcvbn
from zxcvbn.matching import RANKED_DICTIONARIES

# zxcvbn refuses more than 72 characters (its cost grows fast with length), and nothing past that
# changes a score that is already high; the full password is still checked by every other rule.
_ZXCVBN_MAX = 72
_MIN_NAME_PART = 3
_STRENGTH_WORDS = ("very weak", "weak", "fair", "strong", "very strong")


@dataclass(frozen=True)
class PolicySettings:
    """Tunable limits of the password policy."""

    min_length: int = 12
    max_length: int = 256
    min_score: int = 3
    history: int = 5

    def stricter(self, min_length: int | None, min_score: int | None) -> PolicySettings:
        """These settings tightened by a domain's own values (never loosened)."""
        return replace(
            self,
            min_length=max(self.min_length, min_length or 0),
            min_score=max(self.min_score, min_score or 0),
        )


@dataclass(frozen=True)
class PolicyReport:
    """The result of checking a password: every reason it fails, and its strength."""

    reasons: tuple[str, ...]
    score: int
    strength: str

    @property
    def ok(self) -> bool:
        """True when no rule failed."""
        return not self.reasons


def check_password(
    password: str,
    settings: PolicySettings,
    *,
    local_part: str = "",
    display_name: str = "",
) -> PolicyReport:
    """Check ``password`` against every stateless rule and report all failures.

    The history rule is not checked here (it needs the stored hashes).
    """
    reasons: list[str] = []
    if len(password) < settings.min_length:
        reasons.append(f"It is shorter than {settings.min_length} characters.")
    if len(password) > settings.max_length:
        reasons.append(f"It is longer than {settings.max_length} characters.")
    if _is_common(password):
        reasons.append("It is a commonly used password.")
    reasons.extend(_personal_reasons(password, local_part, display_name))
    score, hint = _strength(password, [local_part, *display_name.split()])
    if score < settings.min_score:
        text = (
            f"It is too easy to guess (strength {_STRENGTH_WORDS[score]}, {score} of 4; "
            f"at least {settings.min_score} is required)."
        )
        reasons.append(f"{text} {hint}".strip())
    return PolicyReport(tuple(reasons), score, _STRENGTH_WORDS[score])


def _is_common(password: str) -> bool:
    lowered = password.lower()
    return any(lowered in ranked for ranked in (RANKED_DICTIONARIES["passwords"],))


def _personal_reasons(password: str, local_part: str, display_name: str) -> list[str]:
    lowered = password.lower()
    squeezed = re.sub(r"[\s._-]", "", lowered)
    reasons = []
    name_parts = {p for p in re.split(r"[._+\-]", local_part.lower()) if len(p) >= _MIN_NAME_PART}
    whole_local = local_part.lower() if len(local_part) >= _MIN_NAME_PART else ""
    if (whole_local and whole_local in lowered) or any(p in lowered for p in name_parts):
        reasons.append("It contains the mailbox's name (the part before the @).")
    words = [w for w in re.split(r"\W+", display_name.lower()) if len(w) >= _MIN_NAME_PART]
    whole = re.sub(r"\W", "", display_name.lower())
    if words and (any(w in lowered for w in words) or (whole and whole in squeezed)):
        reasons.append("It contains the mailbox owner's display name.")
    return reasons


def _strength(password: str, user_inputs: list[str]) -> tuple[int, str]:
    if not password:
        return 0, ""
    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=[u for u in user_inputs if u])
    feedback = result.get("feedback", {})
    hint = feedback.get("warning") or " ".join(feedback.get("suggestions", [])[:1])
    return int(result["score"]), str(hint or "")

"""Generated passwords: random, policy-passing and easy to read aloud or type from a screen."""

from __future__ import annotations

import secrets

# No 0/O, 1/l/I: a helpdesk reads these passwords to people over the phone.
_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_GROUP = 5
_GROUPS = 4


def generate_password() -> str:
    """Return a password like ``Kp7wQ-m2ZxR-4hTnB-9cVaE`` (about 117 bits of entropy)."""
    groups = ["".join(secrets.choice(_ALPHABET) for _ in range(_GROUP)) for _ in range(_GROUPS)]
    return "-".join(groups)

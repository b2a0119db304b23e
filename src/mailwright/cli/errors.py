"""How the CLI ends: one line on stderr and an exit code that scripts can test.

Exit codes: 0 success; 1 invalid input (incl. a refused password); 2 wrong usage (Click);
3 not found; 4 conflict; 5 permission denied; 6 configuration or unavailable; 7 rate limited.
"""

from __future__ import annotations

import sys
from typing import NoReturn

from mailwright.model.errors import (
    ConfigurationError,
    Conflict,
    InvalidInput,
    MailwrightError,
    NotFound,
    PasswordRejected,
    PermissionDenied,
    RateLimited,
    Unavailable,
)

EXIT_CODES: list[tuple[type[MailwrightError], int]] = [
    (NotFound, 3),
    (Conflict, 4),
    (PermissionDenied, 5),
    (ConfigurationError, 6),
    (Unavailable, 6),
    (RateLimited, 7),
    (InvalidInput, 1),
]


def exit_code(error: MailwrightError) -> int:
    """The exit code for ``error``."""
    for kind, code in EXIT_CODES:
        if isinstance(error, kind):
            return code
    return 1


def fail(error: MailwrightError) -> NoReturn:
    """Print ``error`` as one line (a refused password: one line per reason) and exit."""
    if isinstance(error, PasswordRejected):
        print("error: password rejected:", file=sys.stderr)
        for reason in error.reasons:
            print(f"  - {reason}", file=sys.stderr)
    else:
        print(f"error: {error.message}", file=sys.stderr)
    raise SystemExit(exit_code(error))


def fail_usage(message: str) -> NoReturn:
    """Exit for a usage problem found after parsing."""
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)

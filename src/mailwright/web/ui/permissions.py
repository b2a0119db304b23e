"""What to show: the services' own permission rules, asked as questions.

Pages use these only to hide what a role cannot use. Enforcement stays in the services, which
check role and scope on every call whatever the page showed.
"""

from __future__ import annotations

from mailwright.model.actors import Actor
from mailwright.model.admins import Admin
from mailwright.model.errors import PermissionDenied
from mailwright.services.authorization import check_global, check_reset, require_manage_domain


def may_manage(actor: Actor, domain: str) -> bool:
    """True when the actor may change mailboxes and aliases of ``domain``."""
    try:
        require_manage_domain(actor, domain)
    except PermissionDenied:
        return False
    return True


def may_reset(actor: Actor, domain: str, target_admin: Admin | None) -> bool:
    """True when the actor may reset the password of that mailbox."""
    return check_reset(actor, domain, target_admin)


def may_administer(actor: Actor) -> bool:
    """True when the actor may manage domains, admins and read the audit log."""
    return check_global(actor)


def require_may_reset(actor: Actor, address: str, domain: str, target_admin: Admin | None) -> None:
    """Raises: PermissionDenied unless the actor may reset that mailbox's password (for the
    dialog's helpers, which reveal policy verdicts about the mailbox's password history)."""
    if not may_reset(actor, domain, target_admin):
        raise PermissionDenied(f"You may not reset the password of {address}.")

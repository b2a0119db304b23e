"""Who may do what. Checked in every service call, whatever front end made it.

Rules:
1. Operators (the CLI on the server) and global admins may do everything.
2. Domain admins manage mailboxes and aliases of their domains, and reset passwords there,
   except of admins whose scope reaches beyond theirs (a global admin, or a domain admin of
   another domain).
3. Helpdesk admins may find and view mailboxes in their scope and reset passwords of ordinary
   mailboxes there (mailboxes that hold no admin role). Nothing else.
4. Domains and admin grants are managed by global admins only.
"""

from __future__ import annotations

from mailwright.model.actors import Actor
from mailwright.model.admins import Admin, Role
from mailwright.model.errors import PermissionDenied


def check_global(actor: Actor) -> bool:
    """True when the actor has global powers."""
    return actor.role is Role.GLOBAL_ADMIN


def require_global(actor: Actor, what: str) -> None:
    """Raises: PermissionDenied unless the actor is a global admin or operator."""
    if not check_global(actor):
        raise PermissionDenied(f"Only global admins may {what}.")


def require_manage_domain(actor: Actor, domain: str) -> None:
    """Raises: PermissionDenied unless the actor may manage mailboxes and aliases of ``domain``."""
    if actor.role in (Role.GLOBAL_ADMIN, Role.DOMAIN_ADMIN) and actor.covers(domain):
        return
    raise PermissionDenied(f"You may not manage the domain {domain}.")


def require_view_domain(actor: Actor, domain: str) -> None:
    """Raises: PermissionDenied unless the actor may see mailboxes of ``domain``."""
    if actor.covers(domain):
        return
    raise PermissionDenied(f"You may not view the domain {domain}.")


def check_reset(actor: Actor, domain: str, target_admin: Admin | None) -> bool:
    """True when the actor may reset the password of a mailbox of ``domain`` holding
    ``target_admin`` (None for an ordinary mailbox)."""
    if actor.role is Role.GLOBAL_ADMIN:
        return True
    if not actor.covers(domain):
        return False
    if actor.role is Role.HELPDESK:
        return target_admin is None
    if actor.role is Role.DOMAIN_ADMIN:
        if target_admin is None or target_admin.role is Role.HELPDESK:
            return True
        return target_admin.role is Role.DOMAIN_ADMIN and target_admin.domains <= actor.domains
    return False


def require_reset(actor: Actor, address: str, domain: str, target_admin: Admin | None) -> None:
    """Raises: PermissionDenied unless ``check_reset`` allows it, naming why."""
    if check_reset(actor, domain, target_admin):
        return
    if not actor.covers(domain):
        raise PermissionDenied(f"You may not reset passwords in the domain {domain}.")
    role = target_admin.role.value if target_admin else "mailbox"
    raise PermissionDenied(
        f"Your role ({actor.role.value if actor.role else 'none'}) may not reset the password "
        f"of {address}, which holds the {role} role."
    )

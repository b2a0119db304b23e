"""Who may use the sending API's shared resources.

Rules:
1. Messages: send keys (and the operator) send from domains within the key's own limit and
   its admin's scope, and look up messages sent from those domains.
2. Templates are shared by the whole platform: every caller may read and render them (a
   message may use any of them); keys of global admins that are not sandboxed change them.
3. The suppression list is shared by the whole platform and names recipients of every
   domain: keys of global admins read it; those that are not sandboxed change it.
Sandbox keys never change shared state: they exist to try things out.
"""

from __future__ import annotations

from mailwright.model.errors import PermissionDenied
from mailwright.model.sending import SendingCaller
from mailwright.services.authorization import check_global


def require_shared_editor(caller: SendingCaller, what: str) -> None:
    """Raises: PermissionDenied unless a global admin's key that is not sandboxed calls."""
    if not check_global(caller.actor):
        raise PermissionDenied(f"Only keys of global admins may change {what}.")
    if caller.sandbox:
        raise PermissionDenied(f"Sandbox keys may not change {what}.")


def require_suppression_reader(caller: SendingCaller) -> None:
    """Raises: PermissionDenied unless a global admin's key calls (rule 3)."""
    if not check_global(caller.actor):
        raise PermissionDenied(
            "Only keys of global admins may read the suppression list: it names recipients "
            "of every domain."
        )

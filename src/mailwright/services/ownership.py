"""What mailbox owners may do to their own mailbox, and the re-authentication that guards the
sensitive changes.

Threats handled here:
- A session left open (an unlocked computer) or stolen (a copied cookie): it is not enough to
  change the password or the recovery address, which would turn a borrowed session into a
  permanent takeover. Both changes need the current password again.
- Guessing through that re-authentication: it goes through ``Authenticator.authenticate``, so
  wrong passwords count against the same per-address and per-source throttle as every login,
  and a hijacked session cannot be used to try passwords faster than the sign-in page allows.
"""

from __future__ import annotations

from mailwright.model.actors import Actor, ActorKind
from mailwright.model.authentication import AuthOutcome, LoginProtocol
from mailwright.model.errors import InvalidInput, PermissionDenied, RateLimited
from mailwright.model.mailboxes import Mailbox
from mailwright.services.authentication import Authenticator, address_key

WRONG_PASSWORD = "The current password is not correct."  # noqa: S105 (a message)
THROTTLED = "Too many wrong passwords. Try again in {seconds} seconds."


def require_owner(actor: Actor, address: str) -> str:
    """The normalised ``address`` when ``actor`` is its owner.

    Raises:
        PermissionDenied: the actor is not the owner of that mailbox (admins reset passwords;
            they do not change them).
    """
    key = address_key(address)
    if actor.kind is not ActorKind.OWNER or actor.address is None:
        raise PermissionDenied("Only the owner of a mailbox can do this, in the account portal.")
    if address_key(actor.address) != key:
        raise PermissionDenied("You can only change your own mailbox.")
    return key


async def confirm_password(
    authenticator: Authenticator,
    actor: Actor,
    address: str,
    password: str,
    *,
    field: str = "current",
) -> Mailbox:
    """The owner's mailbox, once ``password`` is confirmed to be its current password.

    A password that must be changed counts as correct: that is the password its owner holds.

    Raises:
        InvalidInput: the password is wrong (named ``field``).
        RateLimited: too many wrong passwords for this address or source (the login throttle).
        PermissionDenied: the mailbox is disabled.
    """
    if not password:
        raise InvalidInput.for_field(field, "Enter your current password.")
    result = await authenticator.authenticate(
        address, password, LoginProtocol.ACCOUNT, actor.source
    )
    if result.outcome is AuthOutcome.THROTTLED:
        seconds = max(1, round(result.retry_after))
        raise RateLimited(THROTTLED.format(seconds=seconds), result.retry_after)
    if result.outcome is AuthOutcome.DISABLED:
        raise PermissionDenied("This mailbox is disabled.")
    if result.mailbox is None:
        raise InvalidInput.for_field(field, WRONG_PASSWORD)
    return result.mailbox

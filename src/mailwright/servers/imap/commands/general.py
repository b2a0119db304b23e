"""Commands valid in any state or right after login: CAPABILITY, NOOP, LOGOUT, ID (RFC 2971),
ENABLE (RFC 5161), NAMESPACE (RFC 2342)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from mailwright.protocols.imap import response as r
from mailwright.protocols.imap.commands import (
    CapabilityCommand,
    EnableCommand,
    IdCommand,
    LogoutCommand,
    NamespaceCommand,
    NoopCommand,
)
from mailwright.servers.imap.config import ENABLEABLE
from mailwright.servers.imap.state import State

if TYPE_CHECKING:
    from mailwright.servers.imap.session import Session

SERVER_ID: Final = {"name": "Mailwright", "vendor": "Mailwright"}


async def capability(session: Session, command: CapabilityCommand) -> None:
    """RFC 3501 6.1.1."""
    session.send(r.capability_response(session.capabilities()))
    session.complete(command.tag, "CAPABILITY completed")


async def noop(session: Session, command: NoopCommand) -> None:
    """RFC 3501 6.1.2: also the classic way to poll for updates, so look at the folder."""
    await session.refresh(force=True)
    session.complete(command.tag, "NOOP completed")


async def logout(session: Session, command: LogoutCommand) -> None:
    """RFC 3501 6.1.3: BYE, then the tagged OK, then the connection closes."""
    session.send(r.bye("Logging out") + r.ok(command.tag, "LOGOUT completed"))
    session.state = State.LOGOUT


async def identify(session: Session, command: IdCommand) -> None:
    """RFC 2971: say who we are; what the client says about itself is only logged."""
    session.send(r.id_response(SERVER_ID))
    session.complete(command.tag, "ID completed")


async def enable(session: Session, command: EnableCommand) -> None:
    """RFC 5161: turn on extensions that change responses; unknown names are ignored."""
    enabled = [name for name in command.capabilities if name in ENABLEABLE]
    if "CONDSTORE" in enabled:
        session.enable_condstore()
    session.send(r.enabled_response(enabled) if enabled else b"")
    session.complete(command.tag, "ENABLE completed")


async def namespace(session: Session, command: NamespaceCommand) -> None:
    """RFC 2342: one personal namespace, no prefix, "/" between levels."""
    session.send(r.namespace_response([("", "/")], None, None))
    session.complete(command.tag, "NAMESPACE completed")

"""Recovery links: issuing them, and judging one that is presented.

Threats handled here (Django's ``PasswordResetTokenGenerator`` is the model):
- A copied database: only a keyed digest of each token is stored, under a key of its own
  (``secret.derive("recovery-links")``), so the rows cannot be turned back into links.
- Guessing: tokens carry 256 random bits and are looked up by digest.
- Reuse: a link is marked used in the transaction that acts on it, by a conditional update, so
  of two concurrent uses only one succeeds. Independently, each link is bound to the mailbox
  state it was sent for (a keyed digest of the password hash, the time of the last password
  change and the recovery address), so it dies as soon as the password changes in any way (an
  admin reset, the owner's change, another link) or the recovery address changes.
- Lingering: links expire after ``lifetime`` (``security.reset_token_minutes``); expired rows
  are deleted a day later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from mailwright.model.errors import NotFound
from mailwright.model.interfaces import Transaction
from mailwright.model.mailboxes import Mailbox
from mailwright.model.recovery import LinkPurpose, LinkState, RecoveryLink
from mailwright.security.tokens import check_token, new_token, token_digest

DIGEST_PURPOSE = "recovery-links"
PATHS = {
    LinkPurpose.PASSWORD_RESET: "/recover/password",
    LinkPurpose.RECOVERY_ADDRESS: "/account/recovery-address/confirm",
}
LINK_MESSAGES = {
    LinkState.UNKNOWN: (
        "This link is not valid. Check that it was copied completely, or ask for a new one."
    ),
    LinkState.USED: "This link has been used already. Ask for a new one if you still need it.",
    LinkState.EXPIRED: "This link has expired. Ask for a new one.",
    LinkState.STALE: (
        "This link is no longer valid: the mailbox has changed since it was sent. "
        "Ask for a new one."
    ),
}
# Tokens are 43 characters; anything much longer is not one of ours (and is not hashed).
MAX_TOKEN = 128
KEEP_EXPIRED = timedelta(days=1)
MAX_SOURCE = 64


@dataclass(frozen=True)
class PresentedLink:
    """A link as presented: its state, and (when it exists) the link and its mailbox."""

    state: LinkState
    link: RecoveryLink | None = None
    mailbox: Mailbox | None = None

    @property
    def message(self) -> str:
        """Why the link does not work, in words ('' for a live link)."""
        return LINK_MESSAGES.get(self.state, "")

    def require_live(self) -> tuple[RecoveryLink, Mailbox]:
        """The link and its mailbox. Raises: NotFound (with ``message``) unless live."""
        if self.state is not LinkState.LIVE or self.link is None or self.mailbox is None:
            raise NotFound(self.message)
        return self.link, self.mailbox


class RecoveryLinks:
    """Issues recovery links and judges presented ones."""

    def __init__(self, *, key: bytes, lifetime: timedelta, public_url: str) -> None:
        self._key = key
        self.lifetime = lifetime
        self._public_url = public_url.rstrip("/")

    def binding(self, purpose: LinkPurpose, mailbox: Mailbox) -> str:
        """The keyed digest of the mailbox state a link of ``purpose`` is bound to."""
        return token_digest(self._key, _state(purpose, mailbox))

    def url(self, purpose: LinkPurpose, token: str) -> str:
        """The link to mail."""
        return f"{self._public_url}{PATHS[purpose]}?token={quote(token, safe='')}"

    async def issue(
        self,
        tx: Transaction,
        purpose: LinkPurpose,
        mailbox: Mailbox,
        *,
        recipient: str,
        now: datetime,
        source: str,
    ) -> tuple[str, RecoveryLink]:
        """Store a new link in ``tx``; returns its token (to mail, never to store) and row."""
        await tx.recovery.forget_links(now - KEEP_EXPIRED)
        token = new_token()
        link = await tx.recovery.add_link(
            token_digest(self._key, token),
            purpose,
            mailbox_id=mailbox.id,
            address=mailbox.address,
            recipient=recipient,
            binding=self.binding(purpose, mailbox),
            created_at=now,
            expires_at=now + self.lifetime,
            source=source[:MAX_SOURCE],
        )
        return token, link

    async def present(
        self, tx: Transaction, token: str, purpose: LinkPurpose, now: datetime
    ) -> PresentedLink:
        """Judge a presented token (read in ``tx``; nothing is written)."""
        if not token or len(token) > MAX_TOKEN:
            return PresentedLink(LinkState.UNKNOWN)
        link = await tx.recovery.find_link(token_digest(self._key, token))
        if link is None or link.purpose is not purpose:
            return PresentedLink(LinkState.UNKNOWN)
        mailbox = await tx.mailboxes.find_by_id(link.mailbox_id)
        return PresentedLink(self.judge(link, mailbox, now), link, mailbox)

    def judge(self, link: RecoveryLink, mailbox: Mailbox | None, now: datetime) -> LinkState:
        """The state of ``link`` for the mailbox as it is now."""
        if link.used_at is not None:
            return LinkState.USED
        if now >= link.expires_at:
            return LinkState.EXPIRED
        if mailbox is None or mailbox.disabled:
            return LinkState.STALE
        if not check_token(self._key, _state(link.purpose, mailbox), link.binding):
            return LinkState.STALE
        return LinkState.LIVE


def _state(purpose: LinkPurpose, mailbox: Mailbox) -> str:
    """What a link is bound to: any change of password (hash or time) or recovery address,
    and the purpose itself (a digest for one purpose is worthless for the other)."""
    changed = mailbox.password_changed_at.isoformat() if mailbox.password_changed_at else ""
    parts = [purpose.value, str(mailbox.id), mailbox.password_hash, changed]
    return "\n".join([*parts, mailbox.recovery_address or ""])

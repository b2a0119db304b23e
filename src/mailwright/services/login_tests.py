"""Live login tests on request: does this password open that mailbox over IMAP and SMTP?

Testing a password is a way of guessing it, so (threat: password guessing through the admin
API) a test is allowed exactly to those who may reset that mailbox's password
(``authorization.check_reset``), every test and every refusal is audited, and the probes log in
through the real listeners, whose login throttle counts each failure like any other.
"""

from __future__ import annotations

from mailwright.model.actors import Actor
from mailwright.model.audit import Outcome
from mailwright.model.errors import NotFound, PermissionDenied
from mailwright.model.interfaces import Database
from mailwright.model.mailboxes import Mailbox
from mailwright.services.audit import AuditLog
from mailwright.services.authentication import address_key
from mailwright.services.authorization import require_reset
from mailwright.services.verification import LoginVerifier, VerificationReport

ACTION = "mailbox.password.verify"


class LoginTests:
    """Permission-checked, audited runs of the ``LoginVerifier``."""

    def __init__(self, database: Database, audit: AuditLog, verifier: LoginVerifier) -> None:
        self._db = database
        self._audit = audit
        self._verifier = verifier

    async def verify(
        self,
        actor: Actor,
        address: str,
        password: str,
        *,
        expect_must_change: bool | None = None,
    ) -> VerificationReport:
        """Log in to the mailbox at ``address`` over IMAP and SMTP with ``password``.

        Args:
            expect_must_change: whether the intended outcome is the must-change refusal;
                None: whatever the mailbox's flag says now.

        Raises:
            NotFound: no such mailbox (in the actor's scope).
            PermissionDenied: the actor may not reset this mailbox's password (audited).
        """
        mailbox = await self._load(actor, address)
        expect = mailbox.must_change if expect_must_change is None else expect_must_change
        report = await self._verifier.verify(mailbox.address, password, expect_must_change=expect)
        await self._audit.record_alone(
            actor,
            ACTION,
            mailbox.address,
            outcome=Outcome.SUCCESS if report.passed else Outcome.FAILURE,
            details={
                "imap": report.imap.outcome.value,
                "smtp": report.smtp.outcome.value,
                "expect_must_change": expect,
            },
        )
        return report

    async def _load(self, actor: Actor, address: str) -> Mailbox:
        key = address_key(address)
        async with self._db.snapshot() as tx:
            mailbox = await tx.mailboxes.find_by_address(key)
            admin = await tx.admins.find_by_address(key)
            domain = await tx.domains.find_by_id(mailbox.domain_id) if mailbox else None
        if mailbox is None or domain is None:
            if not actor.covers(key.rpartition("@")[2]):
                raise PermissionDenied("You may not test passwords in that domain.")
            raise NotFound(f"There is no mailbox {key}.")
        try:
            require_reset(actor, mailbox.address, domain.name, admin)
        except PermissionDenied as denied:
            await self._audit.record_alone(
                actor, ACTION, mailbox.address, outcome=Outcome.DENIED, reason=denied.message
            )
            raise
        return mailbox

"""``/mailboxes/{address}/password``: the admin reset in one call, and the live login test.

A reset applies at once (``PasswordService.reset_password``: permission, policy, hash, history,
audit, sessions ended, notices), then the platform logs in with the new password over its own
IMAP and SMTP listeners and the response says how that went. A generated password is in the
response this once; responses are never cached (``Cache-Control: no-store``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, ConfigDict, Field

from mailwright.model.errors import InvalidInput
from mailwright.services.verification import ProbeOutcome, ProbeResult, VerificationReport
from mailwright.web.api.dependencies import AdminActor, ServicesDep
from mailwright.web.api.fields import PasswordText, PlainText
from mailwright.web.api.problems import problem_responses

router = APIRouter(prefix="/mailboxes", tags=["passwords"])
MailboxAddress = Annotated[str, Path(min_length=1, max_length=320, examples=["alice@example.org"])]
_NO_STORE = {
    "Cache-Control": {
        "description": "Always `no-store`: the response may hold a password.",
        "schema": {"type": "string"},
    }
}


class PasswordReset(BaseModel):
    """A reset: give the new ``password`` or ask for ``generate: true``."""

    model_config = ConfigDict(extra="forbid")

    password: PasswordText | None = None
    generate: bool = Field(default=False, description="Generate a password (returned once).")
    must_change: bool = Field(
        default=False, description="The owner must choose a new password at next sign-in."
    )
    notify: bool = Field(
        default=True,
        description="Notify the owner's recovery address (the domain's IT address always is).",
    )
    reason: Annotated[PlainText, Field(max_length=500)] = Field(
        default="", description="Why (a ticket number, say); kept in the audit log and notices."
    )


class PasswordVerify(BaseModel):
    """A password to test against the live listeners."""

    model_config = ConfigDict(extra="forbid")

    password: PasswordText
    expect_must_change: bool | None = Field(
        default=None,
        description="Whether the must-change refusal is the intended outcome; "
        "null: the mailbox's current flag.",
    )


class LoginProbePublic(BaseModel):
    """One protocol's login test."""

    protocol: Literal["imap", "smtp"]
    outcome: ProbeOutcome = Field(
        description="accepted, refused, or unreachable (listener not running or not answering)."
    )
    passed: bool = Field(description="The outcome is what the reset intended.")
    reply: str = Field(description="The server's reply, or why it could not be reached.")
    milliseconds: int

    @classmethod
    def of(cls, probe: ProbeResult) -> LoginProbePublic:
        """The public view of a probe result."""
        protocol: Literal["imap", "smtp"] = "imap" if probe.protocol == "imap" else "smtp"
        return cls(
            protocol=protocol,
            outcome=probe.outcome,
            passed=probe.passed,
            reply=probe.reply,
            milliseconds=probe.milliseconds,
        )


class VerificationPublic(BaseModel):
    """The live login test over IMAP and SMTP."""

    passed: bool = Field(description="Both protocols gave the intended outcome.")
    expected_refusal: bool = Field(
        description="The intended outcome was the must-change refusal, not a login."
    )
    imap: LoginProbePublic
    smtp: LoginProbePublic

    @classmethod
    def of(cls, report: VerificationReport) -> VerificationPublic:
        """The public view of a verification report."""
        return cls(
            passed=report.passed,
            expected_refusal=report.expected_refusal,
            imap=LoginProbePublic.of(report.imap),
            smtp=LoginProbePublic.of(report.smtp),
        )


class PasswordResetResult(BaseModel):
    """What the reset did, and the login test of the new password."""

    address: str
    must_change: bool
    generated_password: str | None = Field(
        description="The generated password, shown this once; null when one was given."
    )
    notified: list[str] = Field(description="Addresses a reset notice was sent to.")
    notification_errors: list[str]
    audit_event_id: int
    verification: VerificationPublic


@router.post(
    "/{address}/password",
    response_model=PasswordResetResult,
    responses={200: {"headers": _NO_STORE}, **problem_responses(404)},
)
async def reset_password(
    address: MailboxAddress,
    body: PasswordReset,
    services: ServicesDep,
    actor: AdminActor,
    response: Response,
) -> PasswordResetResult:
    """Reset a mailbox's password, then test it on the live IMAP and SMTP listeners."""
    response.headers["Cache-Control"] = "no-store"
    if body.generate == (body.password is not None):
        raise InvalidInput.for_field(
            "password", "Give either a password or generate: true (not both)."
        )
    result = await services.passwords.reset_password(
        actor,
        address,
        body.password,
        must_change=body.must_change,
        reason=body.reason,
        notify=body.notify,
    )
    password = result.generated_password or body.password or ""
    report = await services.verifier.verify(
        result.mailbox.address, password, expect_must_change=result.must_change
    )
    return PasswordResetResult(
        address=result.mailbox.address,
        must_change=result.must_change,
        generated_password=result.generated_password,
        notified=list(result.notified),
        notification_errors=list(result.notification_errors),
        audit_event_id=result.audit_event_id,
        verification=VerificationPublic.of(report),
    )


@router.post(
    "/{address}/password/verify",
    response_model=VerificationPublic,
    responses={200: {"headers": _NO_STORE}, **problem_responses(404)},
)
async def verify_password(
    address: MailboxAddress,
    body: PasswordVerify,
    services: ServicesDep,
    actor: AdminActor,
    response: Response,
) -> VerificationPublic:
    """Test a password on the live IMAP and SMTP listeners (nothing is changed).

    Allowed to those who may reset this mailbox's password; every test is audited.
    """
    response.headers["Cache-Control"] = "no-store"
    report = await services.login_tests.verify(
        actor, address, body.password, expect_must_change=body.expect_must_change
    )
    return VerificationPublic.of(report)

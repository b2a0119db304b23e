"""``mailwright password reset|check``."""

from __future__ import annotations

from typing import Annotated

import typer

from mailwright.cli.context import DataDir, Json, PasswordStdin, operator, read_password, run
from mailwright.cli.errors import fail_usage
from mailwright.cli.output import print_json
from mailwright.services.container import Services

app = typer.Typer(help="Password resets and checks.", no_args_is_help=True)


@app.command("reset")
def reset(
    address: str,
    generate: Annotated[
        bool, typer.Option("--generate", help="Generate a strong password and print it once.")
    ] = False,
    must_change: Annotated[
        bool, typer.Option("--must-change", help="The owner must choose a new password next.")
    ] = False,
    notify: Annotated[
        bool, typer.Option("--notify/--no-notify", help="Tell the owner's recovery address.")
    ] = True,
    reason: Annotated[str, typer.Option(help="Why (kept in the audit log).")] = "",
    password_stdin: PasswordStdin = False,
    data_dir: DataDir = None,
    json: Json = False,
) -> None:
    """Set a new password for a mailbox. It applies at once; open sessions are closed."""
    if generate and password_stdin:
        fail_usage("use either --generate or --password-stdin")
    password = None if generate else read_password(password_stdin)

    async def action(services: Services) -> None:
        result = await services.passwords.reset_password(
            operator(), address, password, must_change=must_change, reason=reason, notify=notify
        )
        if json:
            print_json(
                {
                    "address": result.mailbox.address,
                    "must_change": result.must_change,
                    "generated_password": result.generated_password,
                    "notified": list(result.notified),
                    "notification_errors": list(result.notification_errors),
                    "audit_event_id": result.audit_event_id,
                }
            )
            return
        print(f"Password of {result.mailbox.address} reset.")
        if result.generated_password:
            print(f"Generated password (shown once): {result.generated_password}")
        if result.must_change:
            print("The owner must choose a new password at the next sign-in.")
        for recipient in result.notified:
            print(f"Notified {recipient}.")
        for error in result.notification_errors:
            typer.echo(f"warning: notice not sent: {error}", err=True)

    run(data_dir, action)


@app.command("check")
def check(
    address: str,
    password_stdin: PasswordStdin = False,
    data_dir: DataDir = None,
    json: Json = False,
) -> None:
    """Check a candidate password against the policy for ADDRESS (nothing is changed)."""
    password = read_password(password_stdin, prompt="Password", confirm=False)

    async def action(services: Services) -> bool:
        report = await services.passwords.check_new_password(address, password)
        if json:
            print_json({"ok": report.ok, "score": report.score, "reasons": list(report.reasons)})
        elif report.ok:
            print(f"Acceptable ({report.strength}).")
        else:
            for reason in report.reasons:
                print(f"- {reason}")
        return report.ok

    if not run(data_dir, action):
        raise typer.Exit(1)

"""The ``mailwright`` command."""

from __future__ import annotations

import typer

from mailwright.cli import (
    admins,
    aliases,
    apikeys,
    audit,
    domains,
    mailboxes,
    passwords,
    queue,
    send,
    setup,
    worker,
)

app = typer.Typer(
    name="mailwright",
    help="Mailwright: a self-hosted mail platform (SMTP, IMAP, admin center, sending API).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("init")(setup.init)
app.command("serve")(setup.serve)
app.command("worker")(worker.worker)
app.command("send")(send.send)
app.add_typer(domains.app, name="domain")
app.add_typer(mailboxes.app, name="mailbox")
app.add_typer(aliases.app, name="alias")
app.add_typer(admins.app, name="admin")
app.add_typer(passwords.app, name="password")
app.add_typer(audit.app, name="audit")
app.add_typer(queue.app, name="queue")
app.add_typer(apikeys.app, name="apikey")


def main() -> None:
    """Console-script entry point."""
    app()

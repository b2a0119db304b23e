"""``mailwright init`` and ``mailwright serve``."""

from __future__ import annotations

import asyncio
import sys
from typing import Annotated

import typer

from mailwright.bootstrap import configure_logging, initialize, open_services, prepare_data_dir
from mailwright.cli.context import DataDir, PasswordStdin, operator, read_password, settings_for
from mailwright.cli.errors import fail, fail_usage
from mailwright.model.addresses import parse_address, parse_domain
from mailwright.model.errors import MailwrightError


def init(
    data_dir: DataDir = None,
    domain: Annotated[str | None, typer.Option(help="First mail domain to host.")] = None,
    admin: Annotated[
        str | None, typer.Option(help="Address of the first global admin (a new mailbox).")
    ] = None,
    hostname: Annotated[
        str | None, typer.Option(help="This server's name (default: mail.<domain>).")
    ] = None,
    generate: Annotated[
        bool, typer.Option("--generate", help="Generate the admin's password and print it once.")
    ] = False,
    password_stdin: PasswordStdin = False,
) -> None:
    """Create the data directory, settings, secret, TLS certificate, database and first admin.

    Safe to run again: what exists is kept.
    """
    try:
        domain_name = parse_domain(domain) if domain else None
        admin_address = str(parse_address(admin)) if admin else None
    except MailwrightError as error:
        fail(error)
    if admin_address and domain_name is None:
        domain_name = admin_address.rpartition("@")[2]
    password = None
    if admin_address and not generate:
        if not password_stdin and not sys.stdin.isatty():
            fail_usage(
                "no terminal to ask for the admin password; use --password-stdin or --generate"
            )
        password = read_password(password_stdin, prompt="Admin password")
    settings = settings_for(data_dir)
    name = hostname or (f"mail.{domain_name}" if domain_name else "localhost")
    try:
        prepare_data_dir(settings, hostname=name)
    except OSError as error:
        fail_usage(f"cannot create {settings.data_dir}: {error.strerror}")
    settings = settings_for(settings.data_dir)

    async def action() -> str | None:
        async with open_services(settings) as services:
            return await initialize(
                services,
                operator=operator(),
                domain=domain_name,
                admin=admin_address,
                admin_password=password,
            )

    try:
        generated = asyncio.run(action())
    except MailwrightError as error:
        fail(error)
    print(f"Data directory ready: {settings.data_dir}")
    if admin_address:
        print(f"Global admin: {admin_address}")
    if generated:
        print(f"Generated admin password (shown once): {generated}")


def serve(data_dir: DataDir = None) -> None:
    """Run every listener and background worker in one process (Ctrl-C stops)."""
    from mailwright.platform import serve_forever  # the web stack is only needed here

    settings = settings_for(data_dir)
    configure_logging(settings)
    try:
        asyncio.run(serve_forever(settings))
    except MailwrightError as error:
        fail(error)
    except OSError as error:
        fail_usage(f"cannot listen: {error.strerror or error}")

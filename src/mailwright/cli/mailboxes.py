"""``mailwright mailbox add|list|show|update|disable|enable|remove|import``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from mailwright.cli.context import (
    DataDir,
    Json,
    PasswordStdin,
    format_size,
    operator,
    parse_size,
    read_password,
    run,
)
from mailwright.cli.errors import fail_usage
from mailwright.cli.output import console, mailbox_data, print_json, print_table
from mailwright.model.mailboxes import MailboxSort
from mailwright.services.container import Services
from mailwright.services.mailboxes import MailboxChanges

app = typer.Typer(help="Mailboxes: a login plus its mail.", no_args_is_help=True)
Generate = Annotated[
    bool, typer.Option("--generate", help="Generate a strong password and print it once.")
]
_PHASES = {"validate": "Checking rows", "hash": "Hashing passwords", "store": "Storing mailboxes"}


@app.command("add")
def add(
    address: str,
    display_name: Annotated[str, typer.Option(help="The owner's name.")] = "",
    quota: Annotated[str | None, typer.Option(help="Storage limit, e.g. 2G.")] = None,
    recovery_address: Annotated[
        str | None, typer.Option(help="Where forgotten-password links go.")
    ] = None,
    must_change: Annotated[
        bool, typer.Option("--must-change", help="Require a new password at first sign-in.")
    ] = False,
    generate: Generate = False,
    password_stdin: PasswordStdin = False,
    data_dir: DataDir = None,
    json: Json = False,
) -> None:
    """Create a mailbox."""
    if generate and password_stdin:
        fail_usage("use either --generate or --password-stdin")
    password = None if generate else read_password(password_stdin)

    async def action(services: Services) -> None:
        created = await services.mailboxes.create(
            operator(),
            address,
            password,
            display_name=display_name,
            quota_bytes=parse_size(quota) if quota else None,
            recovery_address=recovery_address,
            must_change=must_change,
        )
        if json:
            data = mailbox_data(created.mailbox)
            if created.generated_password:
                data["generated_password"] = created.generated_password
            print_json(data)
            return
        print(f"Created mailbox {created.mailbox.address}.")
        if created.generated_password:
            print(f"Generated password (shown once): {created.generated_password}")

    run(data_dir, action)


@app.command("list")
def list_mailboxes(
    domain: Annotated[str | None, typer.Option(help="Only this domain.")] = None,
    search: Annotated[str | None, typer.Option(help="Part of an address or name.")] = None,
    sort: Annotated[MailboxSort, typer.Option(help="Sort order.")] = MailboxSort.ADDRESS,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 100,
    cursor: Annotated[str | None, typer.Option(help="Continue after a previous page.")] = None,
    data_dir: DataDir = None,
    json: Json = False,
) -> None:
    """List mailboxes, a page at a time."""

    async def action(services: Services) -> None:
        page = await services.mailboxes.list_page(
            operator(), domain=domain, search=search, sort=sort, limit=limit, cursor=cursor
        )
        if json:
            print_json(
                {
                    "items": [mailbox_data(m) for m in page.items],
                    "total": page.total,
                    "next_cursor": page.next_cursor,
                }
            )
            return
        print_table(
            f"Mailboxes ({len(page.items)} of {page.total})",
            ["Address", "Name", "Quota", "State"],
            [
                (
                    m.address,
                    m.display_name,
                    format_size(m.quota_bytes),
                    _state(m.disabled, m.must_change),
                )
                for m in page.items
            ],
        )
        if page.next_cursor:
            print(f"More: --cursor {page.next_cursor}")

    run(data_dir, action)


def _state(disabled: bool, must_change: bool) -> str:
    if disabled:
        return "disabled"
    return "must change password" if must_change else "active"


@app.command("show")
def show(address: str, data_dir: DataDir = None, json: Json = False) -> None:
    """Show a mailbox with its aliases, admin role and login history."""

    async def action(services: Services) -> None:
        details = await services.mailboxes.details(operator(), address)
        data = mailbox_data(details.mailbox)
        data["aliases"] = [a.source for a in details.aliases]
        data["admin_role"] = details.admin.role.value if details.admin else None
        data["failed_logins"] = details.failed_logins
        if json:
            print_json(data)
            return
        data["quota_bytes"] = format_size(details.mailbox.quota_bytes)
        data["used_bytes"] = format_size(details.mailbox.used_bytes)
        data["aliases"] = ", ".join(data["aliases"])
        for key, value in data.items():
            print(f"{key.replace('_', ' '):>20}: {'' if value is None else value}")

    run(data_dir, action)


@app.command("update")
def update(
    address: str,
    display_name: Annotated[str | None, typer.Option()] = None,
    quota: Annotated[str | None, typer.Option(help="e.g. 2G, or 'unlimited'.")] = None,
    recovery_address: Annotated[
        str | None, typer.Option(help="Recovery address; '' removes it.")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Change a mailbox's display name, quota or recovery address."""

    async def action(services: Services) -> None:
        unlimited = quota is not None and quota.strip().lower() == "unlimited"
        changes = MailboxChanges(
            display_name=display_name,
            quota_bytes=parse_size(quota) if quota and not unlimited else None,
            clear_quota=unlimited,
            recovery_address=recovery_address,
        )
        mailbox = await services.mailboxes.update(operator(), address, changes)
        print(f"Updated mailbox {mailbox.address}.")

    run(data_dir, action)


@app.command("disable")
def disable(address: str, data_dir: DataDir = None) -> None:
    """Refuse every login and all inbound mail for a mailbox (its mail is kept)."""

    async def action(services: Services) -> None:
        await services.mailboxes.set_disabled(operator(), address, True)
        print(f"Disabled mailbox {address}.")

    run(data_dir, action)


@app.command("enable")
def enable(address: str, data_dir: DataDir = None) -> None:
    """Allow logins and inbound mail again."""

    async def action(services: Services) -> None:
        await services.mailboxes.set_disabled(operator(), address, False)
        print(f"Enabled mailbox {address}.")

    run(data_dir, action)


@app.command("remove")
def remove(
    address: str,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Delete a mailbox and all its mail."""
    if not yes:
        typer.confirm(f"Delete the mailbox {address} and all its mail?", abort=True)

    async def action(services: Services) -> None:
        await services.mailboxes.remove(operator(), address)
        print(f"Removed mailbox {address}.")

    run(data_dir, action)


@app.command("import")
def import_csv(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the good rows even if some are bad.")
    ] = False,
    data_dir: DataDir = None,
    json: Json = False,
) -> None:
    """Create mailboxes from a CSV file (columns: address, password or password_hash,
    display_name, quota_bytes, recovery_address, must_change). Every row is checked first;
    nothing is imported from a file with bad rows unless --skip-invalid."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        fail_usage(f"{file} is not UTF-8 text")
    started = time.monotonic()

    async def action(services: Services) -> tuple[int, list[tuple[int, str, str]]]:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=json,
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(_PHASES[phase], total=total)
                bar.update(tasks[phase], completed=done)

            report = await services.importer.import_csv(
                operator(), text, skip_invalid=skip_invalid, progress=progress
            )
        return report.imported, [(p.line, p.address, p.message) for p in report.problems]

    imported, problems = run(data_dir, action)
    elapsed = time.monotonic() - started
    if json:
        print_json(
            {
                "imported": imported,
                "seconds": round(elapsed, 2),
                "problems": [{"line": ln, "address": a, "message": m} for ln, a, m in problems],
            }
        )
    else:
        for line, address, message in problems:
            typer.echo(f"line {line}: {address}: {message}", err=True)
        print(f"Imported {imported} mailboxes in {elapsed:.1f} s.")
    if problems and not skip_invalid:
        typer.echo(
            f"error: {len(problems)} bad rows; nothing imported (fix them or use --skip-invalid)",
            err=True,
        )
        raise typer.Exit(1)

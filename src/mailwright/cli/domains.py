"""``mailwright domain add|list|show|update|remove``."""

from __future__ import annotations

from typing import Annotated

import typer

from mailwright.cli.context import DataDir, Json, format_size, operator, parse_size, run
from mailwright.cli.output import domain_data, print_json, print_table
from mailwright.services.container import Services
from mailwright.services.domains import DomainChanges

app = typer.Typer(help="Hosted mail domains.", no_args_is_help=True)
ItAddress = Annotated[
    str | None,
    typer.Option("--it-address", help="Where password-reset notices for this domain go."),
]


@app.command("add")
def add(
    name: str,
    it_address: ItAddress = None,
    default_quota: Annotated[
        str | None, typer.Option(help="Quota for new mailboxes, e.g. 2G.")
    ] = None,
    data_dir: DataDir = None,
    json: Json = False,
) -> None:
    """Host a new mail domain."""

    async def action(services: Services) -> None:
        quota = parse_size(default_quota) if default_quota else None
        domain = await services.domains.add(
            operator(), name, it_notification_address=it_address, default_quota_bytes=quota
        )
        if json:
            print_json(domain_data(domain))
        else:
            print(f"Added domain {domain.name}.")

    run(data_dir, action)


@app.command("list")
def list_domains(data_dir: DataDir = None, json: Json = False) -> None:
    """List hosted domains with their mailbox and alias counts."""

    async def action(services: Services) -> None:
        summaries = await services.domains.list_domains(operator())
        if json:
            print_json(
                [
                    {
                        **domain_data(s.domain),
                        "mailboxes": s.mailbox_count,
                        "aliases": s.alias_count,
                    }
                    for s in summaries
                ]
            )
            return
        print_table(
            "Domains",
            ["Domain", "Mailboxes", "Aliases", "IT notices to"],
            [
                (s.domain.name, s.mailbox_count, s.alias_count, s.domain.it_notification_address)
                for s in summaries
            ],
        )

    run(data_dir, action)


@app.command("show")
def show(name: str, data_dir: DataDir = None, json: Json = False) -> None:
    """Show one domain's settings."""

    async def action(services: Services) -> None:
        domain = await services.domains.get(operator(), name)
        key = await services.dkim.active_key(domain.name)
        data = domain_data(domain)
        data["dkim"] = (
            {"selector": key.selector, "dns_name": key.dns_name, "dns_value": key.dns_value}
            if key
            else None
        )
        if json:
            print_json(data)
            return
        data["default_quota_bytes"] = format_size(domain.default_quota_bytes)
        del data["dkim"]
        for field, value in data.items():
            print(f"{field.replace('_', ' '):>26}: {'' if value is None else value}")
        if key:
            print("\nPublish this DNS record so receivers can verify DKIM signatures:")
            print(f"{key.dns_name}. IN TXT {key.zone_value}")

    run(data_dir, action)


@app.command("update")
def update(
    name: str,
    it_address: ItAddress = None,
    no_it_address: Annotated[
        bool, typer.Option("--no-it-address", help="Stop sending IT notices.")
    ] = False,
    password_min_length: Annotated[int | None, typer.Option(min=8, max=256)] = None,
    password_min_score: Annotated[int | None, typer.Option(min=0, max=4)] = None,
    default_quota: Annotated[str | None, typer.Option(help="e.g. 2G")] = None,
    data_dir: DataDir = None,
) -> None:
    """Change a domain's IT address, stricter password policy or default quota."""

    async def action(services: Services) -> None:
        changes = DomainChanges(
            it_notification_address=it_address,
            clear_it_notification_address=no_it_address,
            password_min_length=password_min_length,
            password_min_score=password_min_score,
            default_quota_bytes=parse_size(default_quota) if default_quota else None,
        )
        domain = await services.domains.update(operator(), name, changes)
        print(f"Updated domain {domain.name}.")

    run(data_dir, action)


@app.command("rotate-dkim")
def rotate_dkim(name: str, data_dir: DataDir = None, json: Json = False) -> None:
    """Make a new DKIM key for a domain and print its DNS record.

    Publish the new record at once; keep the old one for a few days so mail signed before the
    rotation still verifies.
    """

    async def action(services: Services) -> None:
        key = await services.dkim.rotate(operator(), name)
        if json:
            print_json(
                {"selector": key.selector, "dns_name": key.dns_name, "dns_value": key.dns_value}
            )
            return
        print(f"New DKIM key for {key.domain}, selector {key.selector}. Publish:")
        print(f"{key.dns_name}. IN TXT {key.zone_value}")

    run(data_dir, action)


@app.command("remove")
def remove(
    name: str,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Stop hosting an empty domain."""
    if not yes:
        typer.confirm(f"Remove the domain {name}?", abort=True)

    async def action(services: Services) -> None:
        await services.domains.remove(operator(), name)
        print(f"Removed domain {name}.")

    run(data_dir, action)

"""``mailwright apikey create|list|revoke``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer

from mailwright.cli.context import DataDir, Json, operator, run
from mailwright.cli.output import print_json, print_table
from mailwright.model.api_keys import ApiKey, ApiKeyScope
from mailwright.services.container import Services

app = typer.Typer(help="API keys for the REST API (each acts for an admin).", no_args_is_help=True)


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def api_key_data(key: ApiKey) -> dict[str, Any]:
    """A key as JSON: never the key itself or its digest."""
    return {
        "prefix": key.prefix,
        "name": key.name,
        "admin": key.admin_address,
        "scope": key.scope.value,
        "sandbox": key.sandbox,
        "domains": sorted(key.domains),
        "created_at": _time(key.created_at),
        "created_by": key.created_by,
        "last_used_at": _time(key.last_used_at),
        "revoked_at": _time(key.revoked_at),
    }


@app.command("create")
def create(
    admin: Annotated[str, typer.Option("--admin", help="The admin the key acts for.")],
    scope: Annotated[ApiKeyScope, typer.Option(help="admin: the admin API; send: sending only.")],
    sandbox: Annotated[
        bool, typer.Option("--sandbox", help="Send keys: accept mail, never deliver it.")
    ] = False,
    domain: Annotated[
        list[str] | None,
        typer.Option("--domain", help="Send keys: a domain it may send from (repeatable)."),
    ] = None,
    name: Annotated[str, typer.Option(help="A label, e.g. what uses the key.")] = "",
    data_dir: DataDir = None,
    json: Json = False,
) -> None:
    """Make an API key and print it once (it cannot be shown again)."""

    async def action(services: Services) -> None:
        created = await services.api_keys.create(
            operator(), admin, scope, name=name, sandbox=sandbox, domains=domain or []
        )
        if json:
            print_json({**api_key_data(created.api_key), "key": created.key})
            return
        key = created.api_key
        print(f"Created API key {key.prefix} ({key.scope.value} scope) for {key.admin_address}.")
        print(f"Key (shown once): {created.key}")

    run(data_dir, action)


@app.command("list")
def list_keys(
    admin: Annotated[
        str | None, typer.Option("--admin", help="Only keys acting for this admin.")
    ] = None,
    data_dir: DataDir = None,
    json: Json = False,
) -> None:
    """List API keys, newest first (the keys themselves are never shown)."""

    async def action(services: Services) -> None:
        keys = await services.api_keys.list_keys(operator(), admin)
        if json:
            print_json([api_key_data(k) for k in keys])
            return
        print_table(
            "API keys",
            ["Prefix", "Name", "Admin", "Scope", "Created", "Last used", "Revoked"],
            [
                (
                    k.prefix,
                    k.name,
                    k.admin_address,
                    k.scope.value + (" (sandbox)" if k.sandbox else ""),
                    k.created_at.strftime("%Y-%m-%d %H:%M"),
                    k.last_used_at.strftime("%Y-%m-%d %H:%M") if k.last_used_at else "never",
                    k.revoked_at.strftime("%Y-%m-%d %H:%M") if k.revoked_at else "",
                )
                for k in keys
            ],
        )

    run(data_dir, action)


@app.command("revoke")
def revoke(prefix: str, data_dir: DataDir = None) -> None:
    """Revoke the key with this PREFIX for good."""

    async def action(services: Services) -> None:
        key = await services.api_keys.revoke(operator(), prefix)
        print(f"Revoked API key {key.prefix} of {key.admin_address}.")

    run(data_dir, action)

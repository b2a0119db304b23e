"""``mailwright admin add|list|remove``."""

from __future__ import annotations

from typing import Annotated

import typer

from mailwright.cli.context import DataDir, Json, operator, run
from mailwright.cli.output import admin_data, print_json, print_table
from mailwright.model.admins import Role
from mailwright.services.container import Services

app = typer.Typer(
    help="Admins of the admin center (hosted mailboxes with a role).", no_args_is_help=True
)


@app.command("add")
def add(
    address: str,
    role: Annotated[Role, typer.Option(help="What the admin may do.")],
    domain: Annotated[
        list[str] | None, typer.Option("--domain", help="Scope (repeat for several domains).")
    ] = None,
    data_dir: DataDir = None,
    json: Json = False,
) -> None:
    """Give the mailbox ADDRESS an admin role."""

    async def action(services: Services) -> None:
        admin = await services.admins.add(operator(), address, role, domain or [])
        if json:
            print_json(admin_data(admin))
        else:
            scope = ", ".join(sorted(admin.domains)) or "all domains"
            print(f"{admin.address} is now {admin.role.value} ({scope}).")

    run(data_dir, action)


@app.command("list")
def list_admins(data_dir: DataDir = None, json: Json = False) -> None:
    """List admins and their roles."""

    async def action(services: Services) -> None:
        admins = await services.admins.list_admins(operator())
        if json:
            print_json([admin_data(a) for a in admins])
            return
        print_table(
            "Admins",
            ["Address", "Role", "Domains"],
            [(a.address, a.role.value, ", ".join(sorted(a.domains)) or "all") for a in admins],
        )

    run(data_dir, action)


@app.command("remove")
def remove(address: str, data_dir: DataDir = None) -> None:
    """Revoke an admin role (the mailbox stays)."""

    async def action(services: Services) -> None:
        await services.admins.remove(operator(), address)
        print(f"Revoked the admin role of {address}.")

    run(data_dir, action)

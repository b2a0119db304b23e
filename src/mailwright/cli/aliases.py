"""``mailwright alias add|list|remove``."""

from __future__ import annotations

from typing import Annotated

import typer

from mailwright.cli.context import DataDir, Json, operator, run
from mailwright.cli.output import alias_data, print_json, print_table
from mailwright.services.container import Services

app = typer.Typer(help="Aliases and catch-alls.", no_args_is_help=True)


@app.command("add")
def add(
    source: Annotated[str, typer.Argument(help="name@domain, or @domain for a catch-all.")],
    destinations: Annotated[list[str], typer.Argument(help="One or more addresses.")],
    data_dir: DataDir = None,
    json: Json = False,
) -> None:
    """Deliver mail for SOURCE to every DESTINATION."""

    async def action(services: Services) -> None:
        alias = await services.aliases.add(operator(), source, destinations)
        if json:
            print_json(alias_data(alias))
        else:
            print(f"Added alias {alias.source} -> {', '.join(alias.destinations)}.")

    run(data_dir, action)


@app.command("list")
def list_aliases(
    domain: Annotated[str | None, typer.Option(help="Only this domain.")] = None,
    data_dir: DataDir = None,
    json: Json = False,
) -> None:
    """List aliases."""

    async def action(services: Services) -> None:
        aliases = await services.aliases.list_aliases(operator(), domain)
        if json:
            print_json([alias_data(a) for a in aliases])
            return
        print_table(
            "Aliases",
            ["Source", "Destinations"],
            [
                (a.source + (" (catch-all)" if a.is_catch_all else ""), ", ".join(a.destinations))
                for a in aliases
            ],
        )

    run(data_dir, action)


@app.command("remove")
def remove(source: str, data_dir: DataDir = None) -> None:
    """Delete an alias."""

    async def action(services: Services) -> None:
        await services.aliases.remove(operator(), source)
        print(f"Removed alias {source}.")

    run(data_dir, action)

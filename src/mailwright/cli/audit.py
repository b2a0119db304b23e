"""``mailwright audit list``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from mailwright.cli.context import DataDir, Json, operator, run
from mailwright.cli.errors import fail_usage
from mailwright.cli.output import audit_data, print_json, print_table
from mailwright.model.audit import AuditQuery
from mailwright.services.container import Services

app = typer.Typer(help="The audit log.", no_args_is_help=True)


def _parse_time(text: str | None, option: str) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        fail_usage(f"{option} wants a date or time like 2026-11-27 or 2026-11-27T10:00")
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@app.command("list")
def list_events(
    actor: Annotated[str | None, typer.Option(help="Only this actor.")] = None,
    target: Annotated[str | None, typer.Option(help="Only this target (e.g. a mailbox).")] = None,
    action: Annotated[
        str | None, typer.Option(help="Only this action or family, e.g. mailbox.password.")
    ] = None,
    since: Annotated[str | None, typer.Option(help="From this date/time (UTC).")] = None,
    until: Annotated[str | None, typer.Option(help="Before this date/time (UTC).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 100,
    data_dir: DataDir = None,
    json: Json = False,
) -> None:
    """Show audit events, newest first."""
    query = AuditQuery(
        actor=actor,
        target=target,
        action=action,
        since=_parse_time(since, "--since"),
        until=_parse_time(until, "--until"),
        limit=limit,
    )

    async def run_query(services: Services) -> None:
        events = await services.audit.list_events(operator(), query)
        if json:
            print_json([audit_data(e) for e in events])
            return
        print_table(
            "Audit log",
            ["When (UTC)", "Actor", "Action", "Target", "From", "Outcome", "Reason"],
            [
                (
                    e.entry.at.strftime("%Y-%m-%d %H:%M:%S"),
                    e.entry.actor,
                    e.entry.action,
                    e.entry.target,
                    e.entry.source,
                    e.entry.outcome.value,
                    e.entry.reason,
                )
                for e in events
            ],
        )

    run(data_dir, run_query)

"""``mailwright queue list|show|retry|purge``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from mailwright.cli.context import DataDir, Json, format_size, operator, run
from mailwright.cli.output import print_json, print_table
from mailwright.model.outbound import QueuedMessage
from mailwright.services.container import Services

app = typer.Typer(
    help="The outbound queue (mail waiting for remote servers).", no_args_is_help=True
)


def _data(message: QueuedMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "sender": message.sender,
        "size": message.size,
        "origin": message.origin.value,
        "submitted_by": message.submitted_by,
        "created_at": message.created_at.isoformat(),
        "recipients": [
            {
                "recipient": r.recipient,
                "status": r.status.value,
                "attempts": r.attempts,
                "next_attempt_at": r.next_attempt_at.isoformat() if r.next_attempt_at else None,
                "last_reply": r.last_reply,
            }
            for r in message.recipients
        ],
    }


@app.command("list")
def list_queue(
    all_messages: Annotated[
        bool, typer.Option("--all", help="Include finished messages too.")
    ] = False,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 100,
    data_dir: DataDir = None,
    json: Json = False,
) -> None:
    """List queued messages, newest first."""

    async def action(services: Services) -> None:
        messages = await services.queue.list_messages(
            operator(), pending_only=not all_messages, limit=limit
        )
        if json:
            print_json([_data(m) for m in messages])
            return
        print_table(
            f"Queue ({len(messages)})",
            ["Id", "Created (UTC)", "Sender", "Size", "Recipients"],
            [
                (
                    m.id,
                    m.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                    m.sender or "<>",
                    format_size(m.size),
                    ", ".join(f"{r.recipient} ({r.status.value})" for r in m.recipients),
                )
                for m in messages
            ],
        )

    run(data_dir, action)


@app.command("show")
def show(message_id: str, data_dir: DataDir = None, json: Json = False) -> None:
    """Show one queued message and each recipient's delivery state."""

    async def action(services: Services) -> None:
        message = await services.queue.get(operator(), message_id)
        data = _data(message)
        if json:
            print_json(data)
            return
        for key in ("id", "sender", "size", "origin", "submitted_by", "created_at"):
            print(f"{key.replace('_', ' '):>13}: {data[key]}")
        print_table(
            "Recipients",
            ["Recipient", "Status", "Attempts", "Next attempt", "Last reply"],
            [
                (r["recipient"], r["status"], r["attempts"], r["next_attempt_at"], r["last_reply"])
                for r in data["recipients"]
            ],
        )

    run(data_dir, action)


@app.command("retry")
def retry(message_id: str, data_dir: DataDir = None) -> None:
    """Try the message's waiting recipients again now."""

    async def action(services: Services) -> None:
        count = await services.queue.retry(operator(), message_id)
        print(f"{count} recipients of {message_id} are due now.")

    run(data_dir, action)


@app.command("purge")
def purge(
    message_id: str,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Remove a message from the queue; its remaining recipients will not get it."""
    if not yes:
        typer.confirm(f"Purge {message_id} from the queue?", abort=True)

    async def action(services: Services) -> None:
        await services.queue.purge(operator(), message_id)
        print(f"Purged {message_id}.")

    run(data_dir, action)

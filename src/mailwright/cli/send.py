"""``mailwright send``: send a message through the sending service, as the operator.

It is the API's ``POST /messages`` from the shell: the same checks, templates, suppression
list and queue (so ``GET /messages/{id}`` of a key does not show it, but ``mailwright queue
show ID`` does). Prints the message id, or the receipt with ``--json``.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Annotated

import typer

from mailwright.cli.context import DataDir, Json, operator, run
from mailwright.cli.errors import fail, fail_usage
from mailwright.cli.output import print_json
from mailwright.model.errors import InvalidInput
from mailwright.model.sending import Attachment, SendingCaller, SendReceipt, SendRequest
from mailwright.services.container import Services

Addresses = Annotated[
    list[str] | None,
    typer.Option(metavar="ADDRESS", help="A recipient (repeatable).", show_default=False),
]
File = Annotated[
    Path | None,
    typer.Option(exists=True, dir_okay=False, readable=True, metavar="FILE", show_default=False),
]


def _read_text(path: Path, field: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        fail(InvalidInput.for_field(field, f"{path} is not UTF-8 text."))


def _variables(pairs: list[str]) -> dict[str, str]:
    found = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            fail_usage(f"--var takes name=value, not '{pair}'")
        found[name] = value
    return found


def _attachment(path: Path) -> Attachment:
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Attachment(path.name, path.read_bytes(), content_type)


def _receipt(receipt: SendReceipt) -> dict[str, object]:
    return {
        "id": receipt.message_id,
        "created_at": receipt.created_at.isoformat(),
        "recipients": [
            {"id": r.id, "address": r.address, "status": r.status.value} for r in receipt.recipients
        ],
    }


def send(
    sender: Annotated[
        str, typer.Option("--from", help="Sender: address or 'Name <address>' (hosted domain).")
    ],
    to: Addresses = None,
    cc: Addresses = None,
    bcc: Addresses = None,
    reply_to: Annotated[str | None, typer.Option("--reply-to", show_default=False)] = None,
    subject: Annotated[str | None, typer.Option(show_default=False)] = None,
    text: Annotated[str | None, typer.Option(help="The text part.", show_default=False)] = None,
    text_file: File = None,
    html_file: File = None,
    attach: Annotated[
        list[Path] | None,
        typer.Option(
            exists=True,
            dir_okay=False,
            readable=True,
            metavar="FILE",
            help="A file to attach (repeatable).",
        ),
    ] = None,
    template: Annotated[
        str | None, typer.Option(help="A template instead of subject and body.")
    ] = None,
    var: Annotated[
        list[str] | None,
        typer.Option(metavar="NAME=VALUE", help="A template variable, as text (repeatable)."),
    ] = None,
    tag: Annotated[
        list[str] | None, typer.Option(metavar="TAG", help="A tag (repeatable).")
    ] = None,
    data_dir: DataDir = None,
    json: Json = False,
) -> None:
    """Send a message (queued for delivery at once); prints its id."""
    if text is not None and text_file is not None:
        fail_usage("give --text or --text-file, not both")
    if template is not None and (subject or text or text_file or html_file):
        fail_usage("--template replaces --subject, --text, --text-file and --html-file")
    request = SendRequest(
        sender=sender,
        to=tuple(to or ()),
        cc=tuple(cc or ()),
        bcc=tuple(bcc or ()),
        reply_to=reply_to,
        subject=subject,
        text=_read_text(text_file, "text") if text_file else text,
        html=_read_text(html_file, "html") if html_file else None,
        attachments=tuple(_attachment(p) for p in attach or ()),
        tags=tuple(tag or ()),
        template=template,
        variables=_variables(var or []),
    )

    async def action(services: Services) -> None:
        receipt = await services.sending.submit(SendingCaller(operator()), request)
        if json:
            print_json(_receipt(receipt))
            return
        print(receipt.message_id)

    run(data_dir, action)

"""What every command shares: the data directory option, opening the services, reading
secrets, and the operator identity."""

from __future__ import annotations

import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from mailwright.bootstrap import open_services
from mailwright.cli.errors import fail, fail_usage
from mailwright.config import Settings, load_settings, resolve_data_dir
from mailwright.model.actors import Actor
from mailwright.model.errors import InvalidInput, MailwrightError
from mailwright.services.container import Services

T = TypeVar("T")

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="MAILWRIGHT_DATA_DIR",
        help="Data directory (default ./mailwright-data).",
        show_default=False,
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
]


def settings_for(data_dir: Path | None) -> Settings:
    """Load settings for the chosen data directory, or exit with the error."""
    try:
        return load_settings(resolve_data_dir(data_dir))
    except MailwrightError as error:
        fail(error)


def operator() -> Actor:
    """The person at this terminal, as the audit log names them."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    return Actor.operator(user)


def run(data_dir: Path | None, action: Callable[[Services], Awaitable[T]]) -> T:
    """Open the services for ``data_dir``, run ``action``, close, and turn errors into exits."""
    settings = settings_for(data_dir)

    async def main() -> T:
        async with open_services(settings) as services:
            return await action(services)

    try:
        return asyncio.run(main())
    except MailwrightError as error:
        fail(error)


def read_password(from_stdin: bool, *, prompt: str = "New password", confirm: bool = True) -> str:
    """Read a password from stdin's first line or from a hidden prompt (twice to confirm)."""
    if from_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        password = password[:-1] if password.endswith("\r") else password
        if not password:
            fail(InvalidInput.for_field("password", "No password on stdin."))
        return password
    if not sys.stdin.isatty():
        fail_usage("no terminal to ask for a password; use --password-stdin or --generate")
    first = getpass.getpass(f"{prompt}: ")
    if confirm and getpass.getpass(f"Confirm {prompt.lower()}: ") != first:
        fail(InvalidInput.for_field("password", "The two passwords differ."))
    return first


SIZE_UNITS = {"": 1, "B": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


def parse_size(text: str) -> int:
    """``"500M"`` -> bytes. Raises: InvalidInput."""
    value = text.strip().upper().removesuffix("IB").removesuffix("B")
    unit = value[-1:] if value[-1:] in SIZE_UNITS else ""
    number = value[: len(value) - len(unit)] if unit else value
    try:
        return int(float(number) * SIZE_UNITS[unit])
    except ValueError:
        raise InvalidInput.for_field("quota", f"'{text}' is not a size like 500M or 2G.") from None


def format_size(value: int | None) -> str:
    """Bytes -> ``"2.0 GiB"``; None -> ``"unlimited"``."""
    if value is None:
        return "unlimited"
    size = float(value)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"

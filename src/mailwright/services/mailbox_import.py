"""Importing mailboxes from CSV: validate every row, then hash on every core, then store.

The file needs a header row. Columns: ``address`` (required), ``password`` or ``password_hash``
(an ``{ARGON2ID}`` hash exported from Dovecot or another Mailwright), ``display_name``,
``quota_bytes``, ``recovery_address``, ``must_change`` (true/false).
Nothing is stored from a file with bad rows unless ``skip_invalid`` is set; then the good rows
are stored and the bad ones reported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from mailwright.model.actors import Actor
from mailwright.model.addresses import parse_address
from mailwright.model.domains import Domain
from mailwright.model.errors import InvalidInput, MailwrightError
from mailwright.model.interfaces import Clock, Database
from mailwright.model.mailboxes import NewMailbox
from mailwright.security.hashing_pool import HashingPool
from mailwright.security.passwords import is_password_hash
from mailwright.security.policy import check_password
from mailwright.services.audit import AuditLog
from mailwright.services.authorization import require_manage_domain
from mailwright.services.mailboxes import (
    parse_display_name,
    parse_recovery_address,
    uidvalidity,
)
from mailwright.services.passwords import PasswordService

KNOWN_COLUMNS = {
    "address",
    "password",
    "password_hash",
    "display_name",
    "quota_bytes",
    "recovery_address",
    "must_change",
}
_TRUE = {"1", "true", "yes", "y"}
_FALSE = {"", "0", "false", "no", "n"}
BATCH = 500
HASH_CHUNK = 64

Progress = Callable[[str, int, int], None]
"""Called as (phase, done, total) with phase "validate", "hash" or "store"."""


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one line of the file."""

    line: int
    address: str
    message: str


@dataclass(frozen=True)
class ImportReport:
    """The result: how many were imported, and every bad row."""

    imported: int
    problems: list[RowProblem]


@dataclass
class _Row:
    line: int
    address: str
    domain: str
    password: str
    password_hash: str
    display_name: str
    quota_bytes: int | None
    recovery_address: str | None
    must_change: bool


class MailboxImporter:
    """Imports a CSV file of mailboxes."""

    def __init__(
        self,
        database: Database,
        clock: Clock,
        audit: AuditLog,
        hashing: HashingPool,
        passwords: PasswordService,
    ) -> None:
        self._db = database
        self._clock = clock
        self._audit = audit
        self._hashing = hashing
        self._passwords = passwords

    async def import_csv(
        self,
        actor: Actor,
        text: str,
        *,
        skip_invalid: bool = False,
        progress: Progress | None = None,
    ) -> ImportReport:
        """Validate all rows, then (if none is bad, or ``skip_invalid``) store the good ones.

        Raises:
            InvalidInput: the file has no header or no address column.
        """
        report = progress or (lambda _phase, _done, _total: None)
        rows, problems = await self._validate(actor, text, report)
        if problems and not skip_invalid:
            return ImportReport(0, problems)
        await self._hash(rows, report)
        imported = await self._store(actor, rows, report)
        return ImportReport(imported, problems)

    async def _validate(
        self, actor: Actor, text: str, report: Progress
    ) -> tuple[list[_Row], list[RowProblem]]:
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip().lower() for h in reader.fieldnames or []]
        if "address" not in header:
            raise InvalidInput.for_field("file", "The CSV file needs a header row with 'address'.")
        unknown = set(header) - KNOWN_COLUMNS
        if unknown:
            raise InvalidInput.for_field("file", f"Unknown columns: {', '.join(sorted(unknown))}.")
        reader.fieldnames = header
        raw_rows = [(reader.line_num, raw) for raw in reader]
        domains = await self._domains()
        async with self._db.snapshot() as tx:
            candidates = [str(r.get("address") or "").strip().lower() for _, r in raw_rows]
            taken = await tx.mailboxes.existing_addresses(candidates)
        rows: list[_Row] = []
        problems: list[RowProblem] = []
        seen: dict[str, int] = {}
        for index, (line, raw) in enumerate(raw_rows):
            try:
                if raw.get(None):
                    raise InvalidInput(
                        "This row has more fields than the header; quote values that contain "
                        "commas."
                    )
                row = self._parse_row(actor, raw, line, domains)
                if row.address in taken:
                    raise InvalidInput(f"The mailbox {row.address} exists already.")
                if row.address in seen:
                    raise InvalidInput(f"Duplicate of line {seen[row.address]}.")
                seen[row.address] = line
                rows.append(row)
            except MailwrightError as error:
                problems.append(RowProblem(line, str(raw.get("address") or ""), error.message))
            report("validate", index + 1, len(raw_rows))
        return rows, problems

    async def _domains(self) -> dict[str, Domain]:
        async with self._db.snapshot() as tx:
            return {s.domain.name: s.domain for s in await tx.domains.list_all()}

    def _parse_row(
        self, actor: Actor, raw: dict[str, str], line: int, domains: dict[str, Domain]
    ) -> _Row:
        address = parse_address(raw.get("address") or "")
        if address.domain not in domains:
            raise InvalidInput(f"The domain {address.domain} is not hosted here.")
        require_manage_domain(actor, address.domain)
        name = parse_display_name(raw.get("display_name") or "")
        password = raw.get("password") or ""
        password_hash = (raw.get("password_hash") or "").strip()
        if password and password_hash:
            raise InvalidInput("Give either password or password_hash, not both.")
        if password_hash and not is_password_hash(password_hash):
            raise InvalidInput("password_hash is not an {ARGON2ID} hash.")
        if not password and not password_hash:
            raise InvalidInput("A password or password_hash is required.")
        if password:
            policy = self._passwords.settings_for(domains[address.domain])
            result = check_password(password, policy, local_part=address.local, display_name=name)
            if not result.ok:
                raise InvalidInput("Password rejected: " + " ".join(result.reasons))
        return _Row(
            line=line,
            address=str(address),
            domain=address.domain,
            password=password,
            password_hash=password_hash,
            display_name=name,
            quota_bytes=_parse_quota(raw.get("quota_bytes") or ""),
            recovery_address=parse_recovery_address(raw.get("recovery_address"), str(address)),
            must_change=_parse_bool(raw.get("must_change") or ""),
        )

    async def _hash(self, rows: list[_Row], report: Progress) -> None:
        pending = [r for r in rows if not r.password_hash]
        done = 0
        for start in range(0, len(pending), HASH_CHUNK):
            chunk = pending[start : start + HASH_CHUNK]
            hashes = await self._hashing.hash_many([r.password for r in chunk])
            for row, password_hash in zip(chunk, hashes, strict=True):
                row.password_hash = password_hash
                row.password = ""
            done += len(chunk)
            report("hash", done, len(pending))

    async def _store(self, actor: Actor, rows: list[_Row], report: Progress) -> int:
        domains = await self._domains()
        now = self._clock.now()
        stored = 0
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            async with self._db.transaction() as tx:
                ids = await tx.mailboxes.add_many([_new_mailbox(r, domains, now) for r in batch])
                for mailbox_id in ids.values():
                    await tx.folders.add_defaults(mailbox_id, uidvalidity(now), now)
            stored += len(batch)
            report("store", stored, len(rows))
        async with self._db.transaction() as tx:
            await self._audit.record(
                tx, actor, "mailbox.import", f"{stored} mailboxes", details={"count": stored}
            )
        return stored


def _new_mailbox(row: _Row, domains: dict[str, Domain], now: datetime) -> NewMailbox:
    return NewMailbox(
        domain_id=domains[row.domain].id,
        address=row.address,
        display_name=row.display_name,
        password_hash=row.password_hash,
        must_change=row.must_change,
        quota_bytes=row.quota_bytes,
        recovery_address=row.recovery_address,
        created_at=now,
    )


def _parse_quota(text: str) -> int | None:
    if not text.strip():
        return None
    try:
        value = int(text.strip())
    except ValueError:
        raise InvalidInput(f"quota_bytes '{text}' is not a whole number.") from None
    if value < 0:
        raise InvalidInput("quota_bytes cannot be negative.")
    return value


def _parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise InvalidInput(f"must_change '{text}' is not true or false.")

"""CSV import: validate every row first, report by line, hash on every core."""

from __future__ import annotations

from mailwright.model.actors import Actor
from mailwright.model.authentication import LoginProtocol
from mailwright.security.passwords import Argon2Parameters, PasswordHasher
from mailwright.services.container import Services
from tests.values import STRONG


async def test_import_good_file(services: Services, operator: Actor) -> None:
    """Every row is created with its fields; passwords and ready hashes both log in."""
    await services.domains.add(operator, "example.test")
    ready = PasswordHasher(Argon2Parameters(memory_kib=64, time_cost=1)).hash(
        "Imported-Hash-Pass-9"
    )
    text = (
        "address,password,password_hash,display_name,quota_bytes,recovery_address,must_change\n"
        f"a@example.test,{STRONG},,Ann,100,ann@home.test,true\n"
        f'b@example.test,,"{ready}",Ben,,,\n'
    )
    phases: list[str] = []
    report = await services.importer.import_csv(
        operator, text, progress=lambda phase, done, total: phases.append(phase)
    )
    assert report.imported == 2 and report.problems == []
    assert {"validate", "hash", "store"} <= set(phases)
    a = await services.mailboxes.get(operator, "a@example.test")
    assert (a.display_name, a.quota_bytes, a.recovery_address, a.must_change) == (
        "Ann",
        100,
        "ann@home.test",
        True,
    )
    auth = services.authenticator
    assert (
        await auth.authenticate("b@example.test", "Imported-Hash-Pass-9", LoginProtocol.IMAP, "s")
    ).ok


async def test_bad_rows_block_the_import(services: Services, operator: Actor) -> None:
    """Bad rows are reported by line number and nothing is imported."""
    await services.domains.add(operator, "example.test")
    await services.mailboxes.create(operator, "taken@example.test", STRONG)
    text = (
        "address,password\n"
        f"ok@example.test,{STRONG}\n"
        f"x@unknown.test,{STRONG}\n"
        "weak@example.test,password\n"
        f"taken@example.test,{STRONG}\n"
        f"OK@example.test,{STRONG}\n"
        "not-an-address,x\n"
    )
    report = await services.importer.import_csv(operator, text)
    assert report.imported == 0
    assert [(p.line, p.address) for p in report.problems] == [
        (3, "x@unknown.test"),
        (4, "weak@example.test"),
        (5, "taken@example.test"),
        (6, "OK@example.test"),
        (7, "not-an-address"),
    ]
    assert "Duplicate of line 2" in report.problems[3].message
    assert "Password rejected" in report.problems[1].message
    page = await services.mailboxes.list_page(operator)
    assert page.total == 1
    partial = await services.importer.import_csv(operator, text, skip_invalid=True)
    assert partial.imported == 1


async def test_header_is_required(services: Services, operator: Actor) -> None:
    """A file without an address column is refused as a whole."""
    import pytest

    from mailwright.model.errors import InvalidInput

    with pytest.raises(InvalidInput, match="header"):
        await services.importer.import_csv(operator, "a@example.test,pw\n")
    with pytest.raises(InvalidInput, match="Unknown columns: colour"):
        await services.importer.import_csv(operator, "address,colour\n")


async def test_unquoted_hash_is_refused_not_truncated(services: Services, operator: Actor) -> None:
    """A hash whose commas were not quoted splits into extra fields: the row is refused with a
    hint, never stored with a cut-off hash that no password opens."""
    await services.domains.add(operator, "example.test")
    ready = PasswordHasher(Argon2Parameters(memory_kib=64, time_cost=1)).hash("Imported-Pass-9")
    report = await services.importer.import_csv(
        operator, f"address,password_hash\nc@example.test,{ready}\n"
    )
    assert report.imported == 0
    assert [p.line for p in report.problems] == [2]
    assert "quote values that contain commas" in report.problems[0].message

"""Which handler runs which command: one table, by command type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final

from mailwright.protocols.imap import commands as c
from mailwright.servers.imap.commands import (
    append,
    auth,
    copy,
    fetch,
    folders,
    general,
    idle,
    listing,
    search,
    select,
    store,
)

if TYPE_CHECKING:
    from mailwright.servers.imap.session import Session

Handler = Callable[["Session", Any], Awaitable[None]]

HANDLERS: Final[dict[type[c.Command], Handler]] = {
    c.CapabilityCommand: general.capability,
    c.NoopCommand: general.noop,
    c.LogoutCommand: general.logout,
    c.IdCommand: general.identify,
    c.EnableCommand: general.enable,
    c.NamespaceCommand: general.namespace,
    c.StartTlsCommand: auth.starttls,
    c.LoginCommand: auth.login,
    c.AuthenticateCommand: auth.authenticate,
    c.SelectCommand: select.select,
    c.ExamineCommand: select.select,
    c.CloseCommand: select.close,
    c.UnselectCommand: select.unselect,
    c.CheckCommand: select.check,
    c.ExpungeCommand: select.expunge,
    c.CreateCommand: folders.create,
    c.DeleteCommand: folders.delete,
    c.RenameCommand: folders.rename,
    c.SubscribeCommand: folders.subscribe,
    c.UnsubscribeCommand: folders.unsubscribe,
    c.StatusCommand: folders.status,
    c.GetQuotaCommand: folders.get_quota,
    c.GetQuotaRootCommand: folders.get_quota_root,
    c.ListCommand: listing.list_folders,
    c.LsubCommand: listing.lsub,
    c.AppendCommand: append.append,
    c.FetchCommand: fetch.fetch,
    c.SearchCommand: search.search,
    c.StoreCommand: store.store,
    c.CopyCommand: copy.copy,
    c.MoveCommand: copy.move,
    c.IdleCommand: idle.idle,
}
"""Every command of ``protocols.imap.commands.Command`` has exactly one handler."""

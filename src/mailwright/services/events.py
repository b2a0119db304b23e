"""The in-process event hub: live sessions subscribe, services publish after commit.

Subscribers are plain callables run synchronously by ``publish``; they must be quick (set an
asyncio event, put on a queue). When several processes share PostgreSQL, a hub that also relays
through LISTEN/NOTIFY stands in for this one behind the same interface.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from mailwright.model.events import Event

log = logging.getLogger(__name__)

Subscriber = Callable[[Event], None]


class InProcessEventHub:
    """Implements ``model.interfaces.EventHub`` for one process."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call ``subscriber`` for every event; returns the function that unsubscribes."""
        self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

        return unsubscribe

    def publish(self, event: Event) -> None:
        """Hand ``event`` to every subscriber; one failing subscriber does not stop the rest."""
        for subscriber in list(self._subscribers):
            try:
                subscriber(event)
            except Exception:
                log.exception("event subscriber failed for %s", type(event).__name__)

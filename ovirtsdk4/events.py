"""Following the engine's events as a stream. (Ours; not in the official SDK.)

::

    from ovirtsdk4 import events

    stream = events.follow(connection.system_service().events_service(), since=last_id)
    for event in stream:
        handle(event)
        save(stream.last_id)        # resume from here after a restart: follow(..., since=it)

:func:`follow` yields each new event once, oldest first (by id), for as long as it is iterated.
The engine lists events newest first, and ``from=N`` gives those whose id is greater than N, so
one request per poll gets the new ones. When more than a ``page`` of them came since the last
poll, the ``max`` of the request kept only the newest: then the ids of all the new events are
listed (streamed; only the ids are kept, 8 bytes each) and the events fetched oldest first in
batches of ``page``. Memory stays bounded by one page of events.
"""

from __future__ import annotations

import array
import threading
import time
from collections.abc import Iterator
from typing import Any

from ovirtsdk4 import types
from ovirtsdk4.error import Error, NotFoundError

__all__ = ["EventStream", "follow"]


def _event_id(event: types.Event) -> int:
    try:
        return int(event.id or "")
    except (TypeError, ValueError):
        raise Error(f"The engine sent an event whose id is not a number: {event.id!r}") from None


class EventStream(Iterator[types.Event]):
    """The iterator :func:`follow` returns. ``last_id`` is the id of the last event yielded
    (or the starting point): give it as ``since`` to resume after it."""

    def __init__(
        self,
        events_service: Any,
        since: int | str | None,
        search: str | None,
        poll: float,
        page: int,
        stop: threading.Event | None,
    ) -> None:
        if type(page) is not int or page < 1:
            raise Error(f"The 'page' parameter must be 1 or more, not {page!r}")
        if not poll >= 0:
            raise Error(f"The 'poll' parameter must be 0 seconds or more, not {poll!r}")
        self._service = events_service
        self._search = search
        self._poll = poll
        self._page = page
        self._stop = stop
        self._ready: Iterator[types.Event] = iter(())
        self._caught_up = False  # the last poll got less than a page: pause before the next
        if since is None:
            newest = list(events_service.list(max=1))
            self.last_id = _event_id(newest[0]) if newest else 0
        else:
            try:
                self.last_id = int(since)
            except (TypeError, ValueError):
                raise Error(f"The 'since' parameter must be an event id, not {since!r}") from None

    def __iter__(self) -> EventStream:
        return self

    def __next__(self) -> types.Event:
        while True:
            for event in self._ready:
                number = _event_id(event)
                if number > self.last_id:
                    self.last_id = number
                    return event
            if self._stop is not None and self._stop.is_set():
                raise StopIteration
            if self._caught_up:
                if self._stop is None:
                    time.sleep(self._poll)
                elif self._stop.wait(self._poll):
                    raise StopIteration
            self._ready = self._new_events()

    def _new_events(self) -> Iterator[types.Event]:
        """The events after ``last_id``, oldest first (an iterator: fetched as it goes)."""
        newest = list(self._service.list(from_=self.last_id, max=self._page, search=self._search))
        self._caught_up = len(newest) < self._page
        if self._caught_up:
            newest.sort(key=_event_id)
            return iter(newest)
        return self._backlog()

    def _backlog(self) -> Iterator[types.Event]:
        """More than a page is new: list the ids (newest first, streamed), then get the
        events oldest first, a page of requests in flight at a time."""
        ids = array.array("q")
        descending = True
        for event in self._service.list_iter(from_=self.last_id, search=self._search):
            number = _event_id(event)
            descending = descending and (not ids or number < ids[-1])
            ids.append(number)
        if descending:
            ids.reverse()
        else:
            ids = array.array("q", sorted(ids))
        for start in range(0, len(ids), self._page):
            futures = [
                self._service.event_service(str(number)).get(wait=False)
                for number in ids[start : start + self._page]
            ]
            batch = []
            for future in futures:
                try:
                    batch.append(future.wait())
                except NotFoundError:
                    continue  # removed since it was listed
            yield from batch


def follow(
    events_service: Any,
    since: int | str | None = None,
    search: str | None = None,
    poll: float = 5.0,
    page: int = 100,
    stop: threading.Event | None = None,
) -> EventStream:
    """Yield the new events of ``events_service`` in id order, each once, polling every
    ``poll`` seconds while nothing is new. The iteration ends only when ``stop`` (a
    ``threading.Event``) is set, at once even during a pause, or when the loop breaks out.
    ``since`` is the id after which to start (the ``last_id`` of an earlier stream, or an
    event's ``id``); ``None`` starts after the newest event of now. ``search`` filters as the
    list's ``search`` does. ``page`` is the most events asked for, or fetched, at once."""
    return EventStream(events_service, since, search, poll, page, stop)

"""An engine that fails on a schedule, for testing retries: ``simulator(engine=FlakyEngine())``.

::

    from ovirtsdk4.testing import flaky, simulator

    engine = flaky.FlakyEngine(transition_delay=0.05)
    with simulator(5, engine=engine) as sim:
        engine.script(flaky.unavailable(), flaky.drop(), method="GET", path="/vms")
        # the next GET below /vms answers 503, the one after has its connection dropped,
        # and the following ones are answered by the engine as usual.

:meth:`FlakyEngine.script` queues answers for the next API requests that match a method and
a path prefix (below ``/ovirt-engine/api``); SSO requests are never touched. An answer is one
of the functions below (or ``None``: the engine answers as usual). :attr:`FlakyEngine.answered`
records what was done to which request.
"""

from __future__ import annotations

import collections
import dataclasses
import threading
from collections.abc import Callable
from typing import Any

from ovirtsdk4 import types
from ovirtsdk4.testing._http import Request, Response, html_error_page
from ovirtsdk4.testing.engine import API_PREFIX, Engine
from ovirtsdk4.writer import Writer

__all__ = [
    "Answer",
    "FlakyEngine",
    "conflict",
    "drop",
    "late",
    "locked",
    "lost",
    "status",
    "unavailable",
]

#: A scripted answer: given a function that lets the engine answer the request (and do what
#: it asks), returns the response to send.
Answer = Callable[[Callable[[], Response]], Response]


def _named(name: str, answer: Answer) -> Answer:
    answer.__name__ = name
    return answer


def status(code: int, retry_after: int | None = None) -> Answer:
    """An HTML error page with ``code``, as a proxy in front of the engine sends it (the engine
    does nothing); with ``Retry-After: retry_after``."""

    def answer(engine: Callable[[], Response]) -> Response:
        response = html_error_page(code)
        if retry_after is not None:
            response.headers.append(("Retry-After", str(retry_after)))
        return response

    return _named(f"status({code})", answer)


def unavailable(retry_after: int | None = None) -> Answer:
    """503 from the proxy: the engine is down or starting."""
    return status(503, retry_after)


def _fault(code: int, detail: str) -> Response:
    body = Writer.write(types.Fault(reason="Operation Failed", detail=detail)).encode()
    return Response(code, body, [("Content-Type", "application/xml;charset=UTF-8")])


def locked(
    detail: str = "[Cannot run VM. VM is locked. Please try again in a few minutes.]",
) -> Answer:
    """The engine's 409 for a locked object, which asks to try again (it does nothing)."""
    return _named("locked", lambda engine: _fault(409, detail))


def conflict(detail: str = "[Cannot run VM. VM is running.]") -> Answer:
    """A 409 that does not ask to try again: the request can't succeed as it is."""
    return _named("conflict", lambda engine: _fault(409, detail))


def drop() -> Answer:
    """The connection reset before the request reaches the engine (it does nothing)."""
    return _named("drop", lambda engine: Response(reset=True))


def lost() -> Answer:
    """The engine does what the request asks, then the connection is reset: the reply is
    lost."""

    def answer(engine: Callable[[], Response]) -> Response:
        engine()
        return Response(reset=True)

    return _named("lost", answer)


def late(seconds: float) -> Answer:
    """The engine answers (and does what the request asks), ``seconds`` late."""

    def answer(engine: Callable[[], Response]) -> Response:
        return dataclasses.replace(engine(), delay=seconds)

    return _named(f"late({seconds:g})", answer)


class _Rule:
    __slots__ = ("method", "path", "answers")

    def __init__(self, method: str | None, path: str, answers: list[Answer | None]) -> None:
        self.method = method
        self.path = path
        self.answers = collections.deque(answers)

    def matches(self, request: Request) -> bool:
        if self.method is not None and request.method != self.method:
            return False
        return request.path.startswith(API_PREFIX + self.path)


class FlakyEngine(Engine):
    """An :class:`~ovirtsdk4.testing.engine.Engine` whose answers to some requests are
    scripted. Takes the engine's keyword arguments."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._rules: list[_Rule] = []
        self._rules_lock = threading.Lock()
        #: (method, path, answer name) of each scripted answer given, in order.
        self.answered: list[tuple[str, str, str]] = []

    def script(self, *answers: Answer | None, method: str | None = None, path: str = "") -> None:
        """Answer the next ``len(answers)`` API requests whose method is ``method`` (any
        when ``None``) and whose path starts with ``path`` (relative to the API root, e.g.
        ``/vms``) with ``answers``, in order; ``None`` lets the engine answer one as usual."""
        with self._rules_lock:
            self._rules.append(_Rule(method, path, list(answers)))

    def pending(self) -> int:
        """How many scripted answers are still to be given."""
        with self._rules_lock:
            return sum(len(rule.answers) for rule in self._rules)

    def handle(self, request: Request) -> Response:
        answer = self._take(request)
        if answer is None:
            return super().handle(request)
        self.answered.append((request.method, request.path, answer.__name__))
        return answer(lambda: super(FlakyEngine, self).handle(request))

    def _take(self, request: Request) -> Answer | None:
        if not request.path.startswith(API_PREFIX):
            return None
        with self._rules_lock:
            for rule in self._rules:
                if rule.answers and rule.matches(request):
                    return rule.answers.popleft()
        return None

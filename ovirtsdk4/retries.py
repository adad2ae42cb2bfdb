"""Retrying requests that failed for a passing reason: the opt-in policy of
``Connection(retries=RetryPolicy(...))``. (Ours; not in the official SDK.)

A :class:`RetryPolicy` decides, for one request and the outcome of one try, whether to try
again and after how long (:meth:`RetryPolicy.delay`); :func:`call_with_retries` and
:func:`stream_with_retries` run that loop around one try of the connection. The outcome of the
last try is what the caller gets, as it would without retries: the same response, or the same
error.

What is retried:

* outcomes that say "later": a transport failure (``ConnectionError`` or ``TimeoutError``:
  refused, reset, cut short, timed out; not TLS certificate problems, which do not pass), the
  statuses 429, 502, 503 and 504, and a 409 whose fault asks to try again (the engine's
  answer for a locked object: ``[Cannot run VM. VM is locked. Please try again in a few
  minutes.]``); other 409s say the request can never succeed as it is and are not retried;
* requests that can be sent twice without harm: GET, and those the policy is told about
  (``methods``, the names of ``actions``, or an ``idempotent`` predicate). With ``refused=True``,
  any request is also retried when the outcome proves the engine did nothing: the 409 asking
  to try again, 429, 503, or a connection that could not be made. Nothing else that is not
  idempotent is ever retried.

Each retry is logged at DEBUG (method, path, the try's number, the pause, the reason): never
the query, headers or body, which can hold secrets.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final, Protocol, TypeVar

from ovirtsdk4 import http
from ovirtsdk4.backoff import Backoff
from ovirtsdk4.error import ConnectionError, Error, TimeoutError

__all__ = [
    "RETRY_BACKOFF",
    "BufferedBody",
    "RetryPolicy",
    "call_with_retries",
    "stream_with_retries",
]

# libcurl codes of transport failures that a retry does not cure: the TLS configuration or the
# server's certificate (the rest of ovirtsdk4._curl_errors' ConnectionErrors may pass).
_LASTING_CURL_CODES: Final = frozenset([51, 53, 54, 58, 59, 60, 64, 66, 77, 82, 83, 90, 91, 98])
# libcurl codes of failures before anything was sent: no name, no connection.
_UNSENT_CURL_CODES: Final = frozenset([5, 6, 7])
# Statuses of a reply that did nothing: too many requests, the engine (or the proxy in front
# of it) not serving yet.
_REFUSED_STATUSES: Final = frozenset([429, 503])


#: The pauses between tries unless a policy is given its own: 0.5 s, 1 s, 2 s ... up to 10 s,
#: each shortened by up to half at random.
RETRY_BACKOFF: Final = Backoff(initial=0.5, factor=2.0, maximum=10.0, jitter=0.5)


@dataclass(frozen=True)
class RetryPolicy:
    """When and how to try a request again (see the module's documentation).

    ``attempts`` is the most tries of one request, the first included; ``deadline`` the most
    seconds from the first try to the start of the last (a pause that would end later is not
    taken); ``backoff`` the pauses between tries, lengthened to what a ``Retry-After`` header
    asks for when that fits the deadline. ``statuses`` are retried; so is a 409 whose fault
    says to try again, unless ``conflicts`` is false; transport failures are unless
    ``transport`` is false. Requests retried: those of the HTTP ``methods``, POSTs to the
    ``actions`` named (their last path segment, e.g. ``"start"``), those for which
    ``idempotent(request)`` is true, and with ``refused`` any request refused outright."""

    attempts: int = 4
    deadline: float = 60.0
    backoff: Backoff = RETRY_BACKOFF
    statuses: frozenset[int] = frozenset([429, 502, 503, 504])
    conflicts: bool = True
    transport: bool = True
    methods: frozenset[str] = frozenset(["GET"])
    actions: frozenset[str] = frozenset()
    idempotent: Callable[[http.Request], bool] | None = None
    refused: bool = False

    def __post_init__(self) -> None:
        if type(self.attempts) is not int or self.attempts < 1:
            raise Error(f"A retry policy needs 1 or more attempts, not {self.attempts!r}")
        if not self.deadline >= 0:
            raise Error(f"A retry deadline must be 0 seconds or more, not {self.deadline!r}")
        # Sets given as lists or tuples are taken as frozensets; methods in upper case.
        object.__setattr__(self, "statuses", frozenset(self.statuses))
        object.__setattr__(self, "methods", frozenset(m.upper() for m in self.methods))
        object.__setattr__(self, "actions", frozenset(self.actions))

    def may_retry(self, request: http.Request) -> bool:
        """Whether ``request`` may be sent again whatever its outcome (it is idempotent)."""
        if request.method.upper() in self.methods:
            return True
        if request.method.upper() == "POST" and self.actions:
            if request.path.rpartition("/")[2] in self.actions:
                return True
        return self.idempotent is not None and bool(self.idempotent(request))

    def delay(
        self,
        request: http.Request,
        attempt: int,
        elapsed: float,
        *,
        response: http.Response | None = None,
        error: BaseException | None = None,
    ) -> float | None:
        """Seconds to wait before trying ``request`` again after try number ``attempt`` (1 for
        the first), which started ``elapsed`` seconds after the first one and ended with
        ``response`` or raised ``error``; ``None``: do not retry."""
        if attempt >= self.attempts:
            return None
        reason = _reason(self, response, error)
        if reason is None:
            return None
        retryable, refused = reason
        if not (retryable and self.may_retry(request)) and not (refused and self.refused):
            return None
        pause = self.backoff.delay(attempt)
        asked = _retry_after(response) if response is not None else None
        if asked is not None:
            pause = max(pause, asked)
        if elapsed + pause > self.deadline:
            return None
        return pause


def _reason(
    policy: RetryPolicy, response: http.Response | None, error: BaseException | None
) -> tuple[bool, bool] | None:
    """(retryable, refused) for an outcome that says "later", else None. Refused: the engine
    certainly did nothing."""
    if error is not None:
        if not policy.transport or not isinstance(error, (ConnectionError, TimeoutError)):
            return None
        code = getattr(error.__cause__, "curl_code", None)
        if code in _LASTING_CURL_CODES:
            return None
        return True, code in _UNSENT_CURL_CODES
    if response is None:
        return None
    status = response.code
    if status == 409:
        if policy.conflicts and _asks_to_try_again(response.body):
            return True, True
        return None
    if status in policy.statuses:
        return True, status in _REFUSED_STATUSES
    return None


def _asks_to_try_again(body: bytes | None) -> bool:
    """Whether a 409's fault asks to try again, as the engine's faults for locked objects do."""
    if not body:
        return False
    from ovirtsdk4 import types
    from ovirtsdk4.reader import Reader

    try:
        fault = Reader.read(body)
    except Error:
        return False
    if isinstance(fault, types.Action):
        fault = fault.fault
    if not isinstance(fault, types.Fault):
        return False
    text = f"{fault.reason or ''} {fault.detail or ''}".lower()
    return "try again" in text


def _retry_after(response: http.Response) -> float | None:
    """The seconds a ``Retry-After: N`` header asks for (its date form is not used). The
    headers are the connection's header lines, or a mapping."""
    headers = response.headers
    pairs: Iterable[tuple[str, str]]
    if isinstance(headers, dict):
        pairs = ((str(name), str(value)) for name, value in headers.items())
    else:
        pairs = (str(line).partition(":")[::2] for line in headers)
    for name, value in pairs:
        if name.strip().lower() == "retry-after":
            value = value.strip()
            return float(value) if value.isdigit() else None
    return None


def _describe(response: http.Response | None, error: BaseException | None) -> str:
    if error is not None:
        return f"{type(error).__name__}: {error}"
    assert response is not None
    return f"HTTP {response.code}"


class _Body(Protocol):
    def read(self, size: int = -1) -> bytes: ...
    def read_all(self) -> bytes: ...
    def close(self) -> None: ...


class BufferedBody(io.BytesIO):
    """A reply body already read, with the interface of a streamed one: what
    :func:`stream_with_retries` returns for a reply it had to read to decide."""

    def read_all(self) -> bytes:
        return self.read()


_T = TypeVar("_T")
_B = TypeVar("_B", bound=_Body)


def _loop(
    policy: RetryPolicy,
    request: http.Request,
    attempt: Callable[[int], _T],
    response_of: Callable[[_T], http.Response],
    log: Callable[[str], None] | None,
) -> _T:
    start = time.monotonic()
    number = 1
    while True:
        began = time.monotonic() - start
        try:
            result = attempt(number)
        except Error as error:
            pause = policy.delay(request, number, began, error=error)
            if pause is None:
                raise
            reason = _describe(None, error)
        else:
            response = response_of(result)
            pause = policy.delay(request, number, began, response=response)
            if pause is None:
                return result
            reason = _describe(response, None)
        message = (
            f"Retrying {request.method} {request.path} in {pause:.2f} s "
            f"(try {number + 1} of at most {policy.attempts}) after {reason}"
        )
        if log is not None:
            log(message)
        else:
            import logging  # only once something is retried: not imported with the package

            logging.getLogger(__name__).debug(message)
        time.sleep(pause)
        number += 1


def call_with_retries(
    policy: RetryPolicy,
    request: http.Request,
    attempt: Callable[[int], http.Response],
    log: Callable[[str], None] | None = None,
) -> http.Response:
    """Run ``attempt(n)`` (one try of ``request``, ``n`` counting from 1; it returns the
    response with its body, or raises an ``ovirtsdk4.Error``) until ``policy`` says to stop,
    and return or raise the last outcome. Each retry is logged with ``log`` (a function taking
    the message; default: DEBUG on the ``ovirtsdk4.retries`` logger)."""
    return _loop(policy, request, attempt, lambda response: response, log)


def stream_with_retries(
    policy: RetryPolicy,
    request: http.Request,
    attempt: Callable[[int], tuple[http.Response, _B]],
    log: Callable[[str], None] | None = None,
) -> tuple[http.Response, _B | BufferedBody]:
    """:func:`call_with_retries` for a streamed reply: ``attempt(n)`` returns the response
    without body and the body's stream. A reply whose status may be retried is read whole (a
    fault is small) to decide, and comes back as a :class:`BufferedBody` if it is the last;
    any other reply comes back as it is, its body not yet read. A failure once the body is
    being read is not retried."""

    def read_if_retryable(number: int) -> tuple[http.Response, _B | BufferedBody]:
        response, body = attempt(number)
        if response.code not in policy.statuses and response.code != 409:
            return response, body
        try:
            response.body = body.read_all()
        finally:
            body.close()
        return response, BufferedBody(response.body)

    return _loop(policy, request, read_if_retryable, lambda pair: pair[0], log)

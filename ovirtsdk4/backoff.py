"""How long to pause between tries: exponential back-off with jitter and a cap, and a deadline
that is never slept past. Used by the waiters (:mod:`ovirtsdk4.waiters`) and the retry policy
(:mod:`ovirtsdk4.retries`). (Ours; not in the official SDK.)
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from ovirtsdk4.error import Error

__all__ = ["Backoff", "Deadline"]


@dataclass(frozen=True)
class Backoff:
    """Pauses that grow: after try ``n`` (1 for the first), ``initial * factor ** (n - 1)``
    seconds, at most ``maximum``, each shortened at random by up to ``jitter`` of itself (0: no
    jitter; 1: anything between 0 and the full pause), so that many clients started together do
    not poll in step."""

    initial: float = 1.0
    factor: float = 1.5
    maximum: float = 30.0
    jitter: float = 0.25

    def __post_init__(self) -> None:
        if not 0 <= self.initial <= self.maximum:
            raise Error(
                f"The back-off needs 0 <= initial <= maximum, not initial={self.initial!r}, "
                f"maximum={self.maximum!r}"
            )
        if not self.factor >= 1:
            raise Error(f"The back-off factor must be 1 or more, not {self.factor!r}")
        if not 0 <= self.jitter <= 1:
            raise Error(f"The back-off jitter must be between 0 and 1, not {self.jitter!r}")

    def delay(self, attempt: int, draw: Callable[[], float] = random.random) -> float:
        """The pause after try ``attempt`` (1 for the first), in seconds. ``draw`` gives a
        number in [0, 1) for the jitter."""
        try:
            full = min(self.maximum, self.initial * self.factor ** (attempt - 1))
        except OverflowError:
            full = self.maximum
        return full * (1.0 - self.jitter * draw())


class Deadline:
    """A point in time ``timeout`` seconds from now (``None``: never), on the monotonic clock."""

    __slots__ = ("timeout", "_end")

    def __init__(self, timeout: float | None) -> None:
        if timeout is not None and not timeout >= 0:
            raise Error(f"A timeout must be a number of seconds, 0 or more, not {timeout!r}")
        self.timeout = timeout
        self._end = None if timeout is None else time.monotonic() + timeout

    def remaining(self) -> float:
        """Seconds left (0 once passed; infinite without a timeout)."""
        if self._end is None:
            return float("inf")
        return max(0.0, self._end - time.monotonic())

    def pause(self, delay: float) -> bool:
        """Sleep ``delay`` seconds, or only until the deadline when that comes first. False,
        without sleeping, when the deadline has already passed."""
        remaining = self.remaining()
        if remaining <= 0:
            return False
        time.sleep(min(delay, remaining))
        return True

"""What the export is doing: named activities with their objects, timing and last sign of
life, shown as one status line on a terminal and used by the stall detector and the summary.

An activity's time runs from its ``begin`` (its request is sent) to ``done``, so the rates
are those of the fetch itself. ``stalled`` names the first running engine activity that has
not moved for longer than the timeout.
"""

from __future__ import annotations

import threading
import time

__all__ = ["Activity", "Progress", "format_summary"]


class Activity:
    __slots__ = ("label", "engine", "objects", "started", "last", "finished", "_clock")

    def __init__(self, label, engine, clock):
        self.label = label
        self.engine = engine  # waits on the engine: watched by the stall detector
        self._clock = clock
        self.objects = 0
        self.started = self.last = clock()
        self.finished = None

    def tick(self, count=1):
        self.objects += count
        self.last = self._clock()

    def done(self):
        self.finished = self._clock()

    @property
    def seconds(self):
        return (self.finished if self.finished is not None else self._clock()) - self.started

    @property
    def rate(self):
        seconds = self.seconds
        return self.objects / seconds if seconds > 0 else 0.0


def _size(count):
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    raise AssertionError("unreachable")


class Progress:
    """Activities of one run; ``render`` writes the status line to ``stream`` when enabled."""

    def __init__(self, stream, enabled, clock=time.monotonic):
        self.stream = stream
        self.enabled = enabled
        self.clock = clock
        self.started = clock()
        self.activities = []
        self.written = lambda: 0  # bytes written so far, set once the output exists
        self._lock = threading.Lock()
        self._shown = False

    def begin(self, label, engine=True):
        activity = Activity(label, engine, self.clock)
        with self._lock:
            self.activities.append(activity)
        self.render()
        return activity

    def running(self):
        with self._lock:
            return [a for a in self.activities if a.finished is None]

    def stalled(self, timeout):
        now = self.clock()
        for activity in self.running():
            if activity.engine and now - activity.last > timeout:
                return activity
        return None

    def line(self):
        running = self.running()
        parts = []
        for activity in running:
            if activity.objects or activity.label.startswith("fetching"):
                parts.append(f"{activity.label}: {activity.objects:,} ({activity.rate:,.0f}/s)")
            else:
                parts.append(f"{activity.label}...")
        done = sum(1 for a in self.activities if a.finished is not None)
        elapsed = self.clock() - self.started
        status = "; ".join(parts) if parts else "finishing"
        return f"{status} | {done} done, {_size(self.written())} written, {elapsed:.1f} s"

    def render(self):
        if not self.enabled:
            return
        self.stream.write("\r" + self.line() + "\x1b[K")
        self.stream.flush()
        self._shown = True

    def finish(self):
        if self.enabled and self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def format_summary(rows):
    """The summary table: ``rows`` of ``(name, objects, bytes, seconds)``, the last the total."""
    lines = [f"{'collection':<22}{'objects':>10}{'bytes':>14}{'seconds':>10}{'objects/s':>12}"]
    for name, count, size, seconds in rows:
        rate = count / seconds if seconds > 0 else 0.0
        size_text = "" if size is None else str(size)
        lines.append(f"{name:<22}{count:>10}{size_text:>14}{seconds:>10.2f}{rate:>12.0f}")
    return "\n".join(lines)

"""Following events against the simulator, which lists them newest first and honours
``from`` and ``max`` as the engine does."""

import itertools
import threading
from urllib.parse import parse_qs

import pytest

import ovirtsdk4
from ovirtsdk4 import waiters


@pytest.fixture
def events_service(connection):
    return connection.system_service().events_service()


def add_events(sim, count, **refs):
    return [int(sim.engine.add_event(f"test event {i}", **refs).id) for i in range(count)]


def ids(stream, count):
    return [int(event.id) for event in itertools.islice(stream, count)]


def event_requests(sim, start):
    """(method, path, query) of the event requests received since ``start``."""
    return [
        (r.method, r.path.rsplit("/api", 1)[1], {k: v[0] for k, v in parse_qs(r.query).items()})
        for r in list(sim.server.requests)[start:]
        if "/events" in r.path
    ]


def test_from_the_start_in_id_order(sim, events_service):
    every = sorted(int(e.id) for e in events_service.list())
    stream = events_service.follow(since=0, poll=0.01)
    assert ids(stream, len(every)) == every
    assert stream.last_id == every[-1]


def test_since_none_starts_after_the_newest(sim, events_service):
    add_events(sim, 3)
    stream = events_service.follow(poll=0.01)
    new = add_events(sim, 2)
    assert ids(stream, 2) == new


def test_new_events_while_following(sim, events_service):
    stream = events_service.follow(poll=0.02)
    timers = [threading.Timer(0.05 * i, add_events, (sim, 2)) for i in (1, 2, 3)]
    for timer in timers:
        timer.start()
    try:
        got = ids(stream, 6)
    finally:
        for timer in timers:
            timer.join()
    assert got == sorted(got) and len(set(got)) == 6


def test_resume_from_the_last_id(sim, events_service):
    start = sim.engine.add_event("mark").id
    new = add_events(sim, 10)
    first = events_service.follow(since=start, poll=0.01)
    assert ids(first, 4) == new[:4]
    # A new iterator, as after a restart of the program that saved last_id.
    second = events_service.follow(since=first.last_id, poll=0.01)
    more = add_events(sim, 2)
    assert ids(second, 8) == new[4:] + more


def test_a_backlog_larger_than_a_page(sim, events_service):
    start = sim.engine.add_event("mark").id
    new = add_events(sim, 23)
    before = len(sim.server.requests)
    stream = events_service.follow(since=start, poll=0.01, page=5)
    assert ids(stream, 23) == new
    asked = event_requests(sim, before)
    # The newest page was full: the ids were listed, then every event fetched oldest first.
    assert asked[0] == ("GET", "/events", {"from": start, "max": "5"})
    assert asked[1] == ("GET", "/events", {"from": start})
    # (A batch's GETs are in flight together: they may arrive in any order.)
    assert sorted(int(path.rsplit("/", 1)[1]) for _, path, _ in asked[2:]) == new
    # And once caught up, one list a poll again.
    later = add_events(sim, 2)
    assert ids(stream, 2) == later


def test_exactly_a_page(sim, events_service):
    start = sim.engine.add_event("mark").id
    new = add_events(sim, 5)
    stream = events_service.follow(since=start, poll=0.01, page=5)
    assert ids(stream, 5) == new
    more = add_events(sim, 1)
    assert ids(stream, 1) == more


def test_search(sim, events_service):
    cid = waiters.new_correlation_id()
    start = sim.engine.add_event("mark").id
    wanted = []
    for _ in range(4):
        add_events(sim, 2)
        wanted += add_events(sim, 1, correlation_id=cid)
    for page in (100, 2):
        stream = events_service.follow(
            since=start, search=f"correlation_id={cid}", poll=0.01, page=page
        )
        assert ids(stream, 4) == wanted


@pytest.mark.parametrize(
    "bad, match",
    [
        (dict(page=0), "'page'"),
        (dict(page=2.5), "'page'"),
        (dict(poll=-1), "'poll'"),
        (dict(since="latest"), "'since'"),
    ],
)
def test_bad_arguments(events_service, bad, match):
    with pytest.raises(ovirtsdk4.Error, match=match):
        events_service.follow(**bad)


def test_stop_ends_the_iteration_during_a_pause(sim, events_service):
    stop = threading.Event()
    stream = events_service.follow(poll=30, stop=stop)
    new = add_events(sim, 2)
    timer = threading.Timer(0.1, stop.set)
    timer.start()
    try:
        assert [int(event.id) for event in stream] == new  # then a 30 s pause, cut short
    finally:
        timer.join()
    assert list(stream) == []

"""The maximum reply size of a connection (``max_reply_size``, ours): get, list, list_iter and
futures refuse a reply whose decoded body is larger, while it downloads, with a
``ReplyTooLargeError`` naming the limit and the URL; the next call on the same connection
works."""

import gzip

import pytest

from ovirtsdk4 import Error
from ovirtsdk4.error import ReplyTooLargeError

from .conftest import xml

LIMIT = 32 * 1024
VM = '<vm href="/ovirt-engine/api/vms/{0}" id="{0}"><name>vm-{0}</name></vm>'


def vm_document(size):
    """A ``<vm>`` document of exactly ``size`` bytes."""
    bare = '<vm id="1"><description></description></vm>'
    return f'<vm id="1"><description>{"x" * (size - len(bare))}</description></vm>'.encode()


def vms_document(size):
    """A ``<vms>`` document of exactly ``size`` bytes: as many vms as fit, then padding."""
    items, used, count = [], 0, 0
    while used + len(VM.format(count)) + 11 <= size:
        items.append(VM.format(count))
        used += len(items[-1])
        count += 1
    body = f"<vms>{''.join(items)}</vms>"
    return (body + " " * (size - len(body))).encode()


def vms_of(connection):
    return connection.system_service().vms_service()


def calls(connection):
    vms = vms_of(connection)
    return {
        "get": lambda: vms.vm_service("1").get(),
        "future": lambda: vms.vm_service("1").get(wait=False).wait(),
        "list": lambda: vms.list(),
        "list_iter": lambda: list(vms.list_iter()),
    }


def document_for(call, size):
    return vm_document(size) if call in ("get", "future") else vms_document(size)


CALLS = ["get", "future", "list", "list_iter"]


@pytest.mark.parametrize("encoding", [None, "gzip"])
@pytest.mark.parametrize("size", [LIMIT - 1, LIMIT])
@pytest.mark.parametrize("call", CALLS)
def test_a_reply_up_to_the_limit_is_read(engine, connect, call, size, encoding):
    body = document_for(call, size)
    assert len(body) == size
    engine.api = lambda request: xml(body, encoding=encoding)
    result = calls(connect(max_reply_size=LIMIT))[call]()
    if call in ("get", "future"):
        assert result.id == "1" and len(result.description) > LIMIT - 100
    else:
        assert len(result) == body.count(b"<vm ") > 100


@pytest.mark.parametrize("encoding", [None, "gzip"])
@pytest.mark.parametrize("call", CALLS)
def test_a_reply_over_the_limit_is_refused_and_the_connection_goes_on(
    engine, connect, call, encoding
):
    big = document_for(call, LIMIT + 1)
    engine.api = lambda request: xml(
        big if request.path.endswith(("/vms", "/vms/1")) else b"<api/>", encoding=encoding
    )
    connection = connect(max_reply_size=LIMIT)
    with pytest.raises(ReplyTooLargeError) as caught:
        calls(connection)[call]()
    error = caught.value
    assert isinstance(error, Error)
    assert error.limit == LIMIT
    assert error.url.startswith(engine.url + "/vms")
    assert f"{LIMIT} bytes" in str(error) and error.url in str(error)
    assert "max_reply_size" in str(error)
    # The same connection, and its token, go on working.
    assert connection.system_service().get() is not None
    assert connection.test(raise_exception=True)
    assert len(engine.sso_requests()) == 1


def bomb_for(call):
    """16 MB of XML, mostly blanks, that gzip makes smaller than the limit."""
    if call in ("get", "future"):
        return vm_document(16 << 20)
    return f"<vms>{VM.format(0)}{' ' * (16 << 20)}</vms>".encode()


@pytest.mark.parametrize("call", CALLS)
def test_a_gzip_bomb_is_refused(engine, connect, call):
    # What crosses the wire is under the limit: what counts is what it decodes to.
    big = bomb_for(call)
    assert len(gzip.compress(big)) < LIMIT
    engine.api = lambda request: xml(big, encoding="gzip")
    connection = connect(max_reply_size=LIMIT)
    with pytest.raises(ReplyTooLargeError):
        calls(connection)[call]()
    engine.api = lambda request: xml(document_for(call, 100), encoding="gzip")
    assert calls(connection)[call]()


def test_list_iter_yields_what_came_before_the_limit(engine, connect):
    body = vms_document(4 * LIMIT)
    engine.api = lambda request: xml(body)
    seen = []
    with pytest.raises(ReplyTooLargeError):
        for vm in vms_of(connect(max_reply_size=LIMIT)).list_iter():
            seen.append(vm.id)
    assert seen == [str(i) for i in range(len(seen))] and len(seen) > 100


def test_the_default_limit_lets_large_replies_through(engine, connection):
    body = vms_document(8 << 20)
    engine.api = lambda request: xml(body)
    assert len(vms_of(connection).list()) == body.count(b"<vm ")


@pytest.mark.parametrize("value", [-1, 1.5, "10", None, True])
def test_a_bad_limit_is_an_error(engine, connect, value):
    with pytest.raises(Error, match="max_reply_size"):
        connect(max_reply_size=value)

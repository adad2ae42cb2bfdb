"""Requests and replies as they go on the wire, against a real local HTTPS server."""

import pytest

from ovirtsdk4._transport import Reply
from ovirtsdk4.testing._http import Response, html_error_page

HEADERS = [
    ("User-Agent", "PythonSDK/4.6.3"),
    ("Version", "4"),
    ("Content-Type", "application/xml"),
    ("Accept", "application/xml"),
    ("Authorization", "Bearer abc"),
]


def names(request):
    return [name.lower() for name, _ in request.headers]


def assert_no_chunked_no_expect(request):
    assert request.header("transfer-encoding") is None
    assert request.header("expect") is None


def test_get(https_server, transport):
    reply = transport.submit("GET", https_server.url("/api/vms?search=a+b"), HEADERS).result(10)
    assert isinstance(reply, Reply)
    assert reply.status == 200
    assert reply.reason == "OK"
    assert reply.body == b"GET /api/vms?search=a+b"
    assert reply.url == https_server.url("/api/vms?search=a+b")
    assert reply.headers["content-type"] == "text/plain"
    assert reply.header_lines[0] == "HTTP/1.1 200 OK"
    assert "Content-Type: text/plain" in reply.header_lines
    (seen,) = https_server.requests
    assert seen.method == "GET"
    assert seen.path == "/api/vms"
    assert seen.query == "search=a+b"
    assert seen.body == b""
    for name, value in HEADERS:
        assert seen.header_all(name) == [value]
    assert "content-length" not in names(seen)
    assert_no_chunked_no_expect(seen)


def test_post_body_with_content_length(https_server, transport):
    body = "<vm><name>ünïcode</name></vm>".encode()
    reply = transport.submit("POST", https_server.url("/api/vms"), HEADERS, body).result(10)
    assert reply.status == 200
    (seen,) = https_server.requests
    assert seen.method == "POST"
    assert seen.body == body
    assert seen.header("content-length") == str(len(body))
    assert seen.header("content-type") == "application/xml"
    assert_no_chunked_no_expect(seen)


def test_large_post_has_no_expect_100_continue(https_server, transport):
    # libcurl adds "Expect: 100-continue" to bodies over 1 MB unless told not to.
    body = b"x" * (3 * 1024 * 1024)
    transport.submit("POST", https_server.url("/big"), HEADERS, body).result(10)
    (seen,) = https_server.requests
    assert seen.body == body
    assert seen.header("content-length") == str(len(body))
    assert_no_chunked_no_expect(seen)


def test_put_body(https_server, transport):
    body = b"<vm><name>renamed</name></vm>"
    reply = transport.submit("PUT", https_server.url("/api/vms/1"), HEADERS, body).result(10)
    assert reply.body == b"PUT /api/vms/1"
    (seen,) = https_server.requests
    assert seen.method == "PUT"
    assert seen.body == body
    assert seen.header("content-length") == str(len(body))
    assert_no_chunked_no_expect(seen)


def test_post_without_body_sends_content_length_zero(https_server, transport):
    transport.submit("POST", https_server.url("/api/vms/1/start"), HEADERS).result(10)
    (seen,) = https_server.requests
    assert seen.method == "POST"
    assert seen.header("content-length") == "0"
    assert seen.body == b""


def test_delete(https_server, transport):
    reply = transport.submit("DELETE", https_server.url("/api/vms/1"), HEADERS).result(10)
    assert reply.body == b"DELETE /api/vms/1"
    (seen,) = https_server.requests
    assert seen.method == "DELETE"
    assert seen.body == b""
    assert "content-length" not in names(seen)
    assert_no_chunked_no_expect(seen)


@pytest.mark.parametrize("method", ["GET", "DELETE", "HEAD"])
def test_bodyless_methods_refuse_a_body(transport, method):
    with pytest.raises(ValueError):
        transport.submit(method, "https://localhost/", [], b"x")


def test_non_ascii_header_is_refused(transport):
    with pytest.raises(ValueError):
        transport.submit("GET", "https://localhost/", [("X-Name", "café")])


@pytest.mark.parametrize("value", ["a\r\nX-Injected: 1", "a\nb", "a\0b"])
def test_header_injection_is_refused(transport, value):
    with pytest.raises(ValueError):
        transport.submit("GET", "https://localhost/", [("X-Name", value)])


def test_header_order_duplicates_and_empty_values(https_server, transport):
    headers = [("X-A", "1"), ("X-B", "2"), ("X-Empty", "")]
    transport.submit("GET", https_server.url("/"), headers).result(10)
    (seen,) = https_server.requests
    assert seen.header_all("x-empty") == [""]
    ours = [(n, v) for n, v in seen.headers if n.lower().startswith("x-")]
    assert ours == [("X-A", "1"), ("X-B", "2"), ("X-Empty", "")]


def test_reply_headers_last_wins_and_lines_keep_all(https_server, transport):
    https_server.handler = lambda request: Response(
        201,
        b"{}",
        [("Set-Thing", "one"), ("Set-Thing", "two"), ("Content-Type", "application/json")],
        reason="Created Here",
    )
    reply = transport.submit("POST", https_server.url("/"), [], b"a=b").result(10)
    assert reply.status == 201
    assert reply.reason == "Created Here"
    assert reply.headers["set-thing"] == "two"
    assert "Set-Thing: one" in reply.header_lines
    assert "Set-Thing: two" in reply.header_lines
    assert reply.header_lines[-1] == "Content-Length: 2"


@pytest.mark.parametrize("status", [401, 404, 409, 500])
def test_error_statuses_are_replies(https_server, transport, status):
    https_server.handler = lambda request: Response(status, b"<fault/>")
    reply = transport.submit("GET", https_server.url("/"), []).result(10)
    assert reply.status == status
    assert reply.body == b"<fault/>"


def test_html_error_page_is_a_reply(https_server, transport):
    https_server.handler = lambda request: html_error_page(503)
    reply = transport.submit("GET", https_server.url("/"), []).result(10)
    assert reply.status == 503
    assert reply.headers["content-type"].startswith("text/html")
    assert b"<h1>503 Service Unavailable</h1>" in reply.body


def test_keep_alive_reuses_one_connection(https_server, transport):
    for _ in range(20):
        assert transport.submit("GET", https_server.url("/"), []).result(10).status == 200
    assert https_server.connections_accepted == 1
    assert len(https_server.requests) == 20


def test_no_cookies_carried_between_requests(https_server, transport):
    https_server.handler = lambda request: Response(200, b"", [("Set-Cookie", "S=1; Path=/")])
    transport.submit("GET", https_server.url("/"), []).result(10)
    transport.submit("GET", https_server.url("/"), []).result(10)
    assert [r.header("cookie") for r in https_server.requests] == [None, None]


def test_negotiate_without_challenge(https_server, transport):
    # The SSO Kerberos grant (API.md A-2): a server may answer without any challenge.
    https_server.handler = lambda request: Response(200, b'{"access_token": "t"}')
    reply = transport.submit("POST", https_server.url("/sso"), [], b"x=1", negotiate=True)
    assert reply.result(10).status == 200
    assert https_server.requests[0].header("authorization") is None


def test_negotiate_challenge_without_ticket_returns_the_401(https_server, transport):
    # No Kerberos credentials here: libcurl cannot answer the challenge and returns the 401.
    https_server.handler = lambda request: Response(401, b"no", [("WWW-Authenticate", "Negotiate")])
    reply = transport.submit("POST", https_server.url("/sso"), [], b"x=1", negotiate=True)
    assert reply.result(10).status == 401


def test_plain_http(http_server, transport):
    reply = transport.submit("GET", http_server.url("/x"), []).result(10)
    assert reply.body == b"GET /x"


def test_proxy_from_the_environment(http_server, make_transport, monkeypatch):
    # The "proxy" is our own server: it receives the absolute URL; nothing leaves loopback.
    monkeypatch.setenv("http_proxy", http_server.url(host="127.0.0.1"))
    transport = make_transport()
    reply = transport.submit("GET", "http://engine.invalid/ovirt-engine/api", []).result(10)
    assert reply.body == b"GET http://engine.invalid/ovirt-engine/api"


def test_proxy_url(http_server, make_transport):
    transport = make_transport(proxy_url=http_server.url(host="127.0.0.1"))
    reply = transport.submit("GET", "http://engine.invalid/api", []).result(10)
    assert reply.body == b"GET http://engine.invalid/api"

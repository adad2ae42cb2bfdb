"""Debug logging: official prefixes, one call per line, secrets redacted."""

import json

from ovirtsdk4._transport import redact
from ovirtsdk4.testing._http import Response

SECRETS = ("s3cr3t-pass", "bearer-secret-123", "tok-abc-789", "refresh-xyz")


def test_redact():
    assert redact("Authorization: Bearer abc") == "Authorization: ***"
    assert redact("authorization:Negotiate YII=\r\nX: y") == "authorization:***\r\nX: y"
    assert redact("grant_type=password&username=a&password=p%40ss&x=1") == (
        "grant_type=password&username=a&password=***&x=1"
    )
    assert redact("scope=ovirt-app-api&token=abc") == "scope=ovirt-app-api&token=***"
    assert redact('{"access_token": "abc", "exp": 1}') == '{"access_token": "***", "exp": 1}'
    assert redact('{"refresh_token":"a\\"b"}') == '{"refresh_token":"***"}'


def test_debug_log_redacts_secrets(https_server, make_transport):
    lines = []
    transport = make_transport(debug_log=lines.append)
    https_server.handler = lambda request: Response(
        200,
        json.dumps({"access_token": SECRETS[2], "refresh_token": SECRETS[3]}).encode(),
        [("Content-Type", "application/json")],
    )
    form = f"grant_type=password&scope=ovirt-app-api&username=admin&password={SECRETS[0]}"
    headers = [("Authorization", f"Bearer {SECRETS[1]}"), ("Accept", "application/json")]
    reply = transport.submit("POST", https_server.url("/sso"), headers, form.encode()).result(10)
    assert SECRETS[2].encode() in reply.body  # the reply itself is not touched
    revoke = f"scope=ovirt-app-api&token={SECRETS[2]}"
    transport.submit("POST", https_server.url("/logout"), [], revoke.encode()).result(10)

    assert all(isinstance(line, str) and "\n" not in line for line in lines)
    text = "\n".join(lines)
    for secret in SECRETS:
        assert secret not in text
    assert "< Authorization: ***" in lines
    assert any(line.startswith("< POST /sso HTTP/1.1") for line in lines)
    assert any(line.startswith("> HTTP/1.1 200 OK") for line in lines)
    assert any(line.startswith("* ") for line in lines)
    assert any("password=***" in line for line in lines)
    assert any("token=***" in line for line in lines)
    assert any('"access_token": "***"' in line for line in lines)


def test_a_failing_logger_does_not_break_transfers(https_server, make_transport):
    def log(line):
        raise RuntimeError("logger down")

    transport = make_transport(debug_log=log)
    assert transport.submit("GET", https_server.url("/"), []).result(10).status == 200


SECRET = "ZQ8XVW3KLM9PRT2Y"


def leaked(lines, secret=SECRET):
    """Whether any 5 consecutive characters of ``secret`` are in the log."""
    text = "\n".join(lines)
    return [secret[i : i + 5] for i in range(len(secret) - 4) if secret[i : i + 5] in text]


def test_a_reply_split_inside_a_secret_is_redacted_whole(https_server, make_transport):
    """A JSON reply sent in two pieces (two chunks of a chunked reply, so libcurl's trace
    also has the chunk framing between them), cut at every byte position: the token is seen
    whole by the redaction. The log takes every reply body from the decoded bytes, so a
    fixed-length reply cut in two goes the same way."""
    lines = []
    transport = make_transport(debug_log=lines.append)
    body = json.dumps({"access_token": SECRET, "token_type": "bearer"}).encode()
    for cut in range(1, len(body)):
        https_server.handler = lambda request, cut=cut: Response(
            200, [body[:cut], body[cut:]], [("Content-Type", "application/json")]
        )
        assert transport.submit("GET", https_server.url("/sso"), []).result(10).body == body
    assert not leaked(lines)
    assert lines.count('> {"access_token": "***", "token_type": "***"}') == len(body) - 1


def test_a_request_body_split_inside_a_secret_is_redacted_whole(https_server, make_transport):
    """libcurl hands over a request body of more than 64 KB in pieces; with the secret
    moved a byte at a time across the place where the first piece ends (64 KB less the
    request head), it is cut at every position of it once, and never logged."""
    lines = []
    transport = make_transport(debug_log=lines.append)
    https_server.handler = lambda request: Response(200, b"ok")
    headers = [("Content-Type", "application/x-www-form-urlencoded")]
    for offset in range(65536 - 640, 65536 - 100):
        body = b"a=" + b"x" * (offset - 2) + f"&password={SECRET}&b=1".encode()
        transport.submit("POST", https_server.url("/form"), headers, body).result(10)
    assert not leaked(lines)
    assert sum(line.endswith("&password=***&b=1") for line in lines) == 540

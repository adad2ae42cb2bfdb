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

"""API.md section 4: SSO password and Kerberos grants, errors, revocation, expired tokens."""

import pytest

import ovirtsdk4 as sdk
from ovirtsdk4 import AuthError, Error
from ovirtsdk4.testing._http import Response, html_error_page

from .conftest import (
    API_PATH,
    KERBEROS_TOKEN_PATH,
    LOGOUT_PATH,
    TOKEN_PATH,
    json_reply,
    xml,
)

PASSWORD_BODY = (
    b"grant_type=password&scope=ovirt-app-api&username=admin%40internal"
    b"&password=p%40ss+w%26rd%3D%C3%A4"
)


def assert_sso_headers(request):
    """A-1: only User-Agent and Accept of ours; no Version, Authorization or custom header."""
    assert request.method == "POST"
    assert request.header("User-Agent") == "PythonSDK/4.6.3"
    assert request.header("Accept") == "application/json"
    assert request.header("Content-Type") == "application/x-www-form-urlencoded"
    assert request.header("Content-Length") == str(len(request.body))
    for name in ("Version", "Authorization", "X-Custom", "All-Content"):
        assert request.header(name) is None, name


def test_password_grant(engine, connect):
    connection = connect(headers={"X-Custom": "yes"})
    assert connection.authenticate() == "token-1"
    (request,) = engine.requests
    assert request.path == TOKEN_PATH
    assert request.query == ""
    assert request.body == PASSWORD_BODY
    assert_sso_headers(request)
    # the token is then used, and the custom header goes to the API only
    connection.system_service().get()
    api = engine.requests[-1]
    assert api.header("Authorization") == "Bearer token-1"
    assert api.header("X-Custom") == "yes"
    assert len(engine.sso_requests()) == 1
    assert connection.authenticate() == "token-1"
    assert len(engine.requests) == 2


def test_token_is_obtained_before_the_first_api_request(engine, connection):
    connection.system_service().vms_service().list()
    assert [r.path for r in engine.requests] == [TOKEN_PATH, API_PATH + "/vms"]


def test_token_url_comes_from_scheme_host_and_port_only(engine, connect):
    connection = connect(url=engine.server.url("/some/where/api", host="127.0.0.1"))
    engine.api = lambda request: xml("<api/>")
    connection.system_service().get()
    token, api = engine.requests
    assert token.path == TOKEN_PATH
    assert token.header("Host") == f"127.0.0.1:{engine.server.port}"
    assert api.path == "/some/where/api"


def test_sso_url_override(engine, connect):
    engine.routes["/custom/token"] = engine.issue_token
    connection = connect(sso_url=engine.server.url("/custom/token"))
    assert connection.authenticate() == "token-1"
    (request,) = engine.requests
    assert request.path == "/custom/token"
    assert request.body == PASSWORD_BODY


def test_sso_token_name(engine, connect):
    engine.routes[TOKEN_PATH] = lambda request: json_reply(
        {"access_token": "not-this", "id_token": "the-id-token"}
    )
    connection = connect(sso_token_name="id_token")
    connection.system_service().get()
    assert engine.requests[-1].header("Authorization") == "Bearer the-id-token"


def test_json_list_reply(engine, connection):
    engine.routes[TOKEN_PATH] = lambda request: json_reply([{"access_token": "from-list"}, {}])
    assert connection.authenticate() == "from-list"


def test_json_content_type_with_parameters(engine, connection):
    engine.routes[TOKEN_PATH] = lambda request: json_reply(
        {"access_token": "t"}, content_type="text/json; charset=utf-8"
    )
    assert connection.authenticate() == "t"


@pytest.mark.parametrize("status", [200, 400, 401])
@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (
            {"error": "invalid_grant", "error_description": "The credentials are wrong."},
            "Error during SSO authentication invalid_grant : The credentials are wrong.",
        ),
        (
            {"error_code": "access_denied", "error": "Cannot authenticate user."},
            "Error during SSO authentication access_denied : Cannot authenticate user.",
        ),
    ],
)
def test_sso_errors(engine, connection, status, reply, message):
    engine.routes[TOKEN_PATH] = lambda request: json_reply(reply, status)
    with pytest.raises(AuthError) as info:
        connection.system_service().get()
    assert str(info.value) == message
    assert info.value.code is None
    assert info.value.fault is None
    assert [r.path for r in engine.requests] == [TOKEN_PATH]


def test_sso_reply_that_is_not_json(engine, connection):
    engine.routes[TOKEN_PATH] = lambda request: html_error_page(404)
    with pytest.raises(Error) as info:
        connection.authenticate()
    assert type(info.value) is Error
    assert str(info.value) == (
        "The response content type 'text/html; charset=iso-8859-1' isn't the expected JSON"
    )


def test_sso_reply_that_is_not_json_with_the_path_hint(engine, connect):
    engine.routes[TOKEN_PATH] = lambda request: html_error_page(404)
    connection = connect(url=engine.server.url("/ovirt-engine"))
    with pytest.raises(Error) as info:
        connection.authenticate()
    assert str(info.value) == (
        "The response content type 'text/html; charset=iso-8859-1' isn't the expected JSON. "
        "Is the path '/ovirt-engine' included in the 'url' parameter correct? "
        "The typical one is '/ovirt-engine/api'"
    )


def test_kerberos_without_a_challenge(engine, connect):
    connection = connect(kerberos=True, headers={"X-Custom": "yes"})
    vms = connection.system_service().vms_service()
    engine.api = lambda request: xml("<vms/>")
    assert vms.list() == []
    token, api = engine.requests
    assert token.path == KERBEROS_TOKEN_PATH
    assert token.body == b"grant_type=urn%3Aovirt%3Aparams%3Aoauth%3Agrant-type%3Ahttp" + (
        b"&scope=ovirt-app-api"
    )
    assert_sso_headers(token)
    assert api.header("Authorization") == "Bearer token-1"


# -- revocation ----------------------------------------------------------------------------


def test_close_revokes_the_token(engine, connect):
    connection = connect(headers={"X-Custom": "yes"})
    connection.system_service().get()
    connection.close()
    revoke = engine.requests[-1]
    assert revoke.path == LOGOUT_PATH
    assert revoke.body == b"scope=ovirt-app-api&token=token-1"
    assert_sso_headers(revoke)
    count = len(engine.requests)
    connection.close()  # a second close sends nothing
    assert len(engine.requests) == count


def test_context_manager_revokes(engine, connect):
    with connect() as connection:
        connection.authenticate()
    assert [r.path for r in engine.requests] == [TOKEN_PATH, LOGOUT_PATH]


def test_sso_revoke_url_override(engine, connect):
    engine.routes["/custom/logout"] = lambda request: json_reply({})
    connection = connect(sso_revoke_url=engine.server.url("/custom/logout"))
    connection.authenticate()
    connection.close()
    assert [r.path for r in engine.requests] == [TOKEN_PATH, "/custom/logout"]
    assert engine.requests[-1].body == b"scope=ovirt-app-api&token=token-1"


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ({"error": "server_error", "error_description": "boom"}, "server_error : boom"),
        (
            {"error_code": "invalid_token", "error": "Unknown token"},
            "invalid_token : Unknown token",
        ),
    ],
)
def test_revoke_error(engine, connection, reply, message):
    engine.routes[LOGOUT_PATH] = lambda request: json_reply(reply, 400)
    connection.authenticate()
    with pytest.raises(AuthError) as info:
        connection.close()
    assert str(info.value) == f"Error during SSO revoke {message}"


def test_close_without_logout_sends_nothing(engine, connection):
    connection.authenticate()
    connection.close(logout=False)
    assert [r.path for r in engine.requests] == [TOKEN_PATH]


def test_close_of_a_connection_that_never_authenticated_sends_nothing(engine, connection):
    connection.close()
    assert engine.requests == []


def test_given_token_skips_sso_but_is_revoked(engine, connect):
    connection = connect(token="given-token")
    assert connection.authenticate() == "given-token"
    connection.system_service().get()
    assert [r.path for r in engine.requests] == [API_PATH]
    assert engine.requests[0].header("Authorization") == "Bearer given-token"
    connection.close()
    assert [r.path for r in engine.requests] == [API_PATH, LOGOUT_PATH]
    assert engine.requests[-1].body == b"scope=ovirt-app-api&token=given-token"


# -- expired tokens (A-5) ------------------------------------------------------------------


def test_401_gets_one_new_token_and_one_retry(engine, connection):
    def api(request):
        if request.header("Authorization") == "Bearer token-1":
            return Response(401)
        return xml('<vm id="123"><name>ok</name></vm>')

    engine.api = api
    vm = connection.service("vms/123").get()
    assert vm.name == "ok"
    assert [r.path for r in engine.requests] == [
        TOKEN_PATH,
        API_PATH + "/vms/123",
        TOKEN_PATH,
        API_PATH + "/vms/123",
    ]
    assert engine.requests[-1].header("Authorization") == "Bearer token-2"


def test_second_401_is_an_auth_error(engine, connection):
    engine.api = lambda request: Response(401)
    with pytest.raises(AuthError) as info:
        connection.service("vms/123").get()
    assert str(info.value) == "HTTP response code is 401."
    assert info.value.code == 401
    assert [r.path for r in engine.requests] == [TOKEN_PATH, API_PATH + "/vms/123"] * 2


def test_401_retry_resends_the_body(engine, connection):
    def api(request):
        if request.header("Authorization") == "Bearer token-1":
            return Response(401)
        return xml('<vm id="1"/>', 201)

    engine.api = api
    connection.system_service().vms_service().add(sdk.types.Vm(name="retry"), clone=True)
    first, second = engine.api_requests
    assert first.body == second.body != b""
    assert first.target == second.target == API_PATH + "/vms?clone=true"


def test_many_futures_with_an_expired_token_need_one_new_token(engine, connection):
    def api(request):
        if request.header("Authorization") == "Bearer token-1":
            return Response(401)
        return xml("<api/>")

    engine.api = api
    futures = [connection.system_service().get(wait=False) for _ in range(10)]
    for future in futures:
        future.wait()
    assert len(engine.sso_requests()) == 2

"""Fixtures of the connection tests: a scripted engine (SSO endpoints and API paths) on a real
local HTTPS server with certificates made at test time, and connections closed at teardown.

``engine.api`` answers every API request (set it to a handler taking the recorded request);
``engine.routes`` maps a path to a handler and wins over ``engine.api``. By default the token
endpoints hand out ``token-1``, ``token-2``... and the logout endpoint answers ``{}``.
"""

import itertools
import json

import pytest

from ovirtsdk4 import Connection
from ovirtsdk4.testing._http import HttpServer, Response

API_PATH = "/ovirt-engine/api"
TOKEN_PATH = "/ovirt-engine/sso/oauth/token"
KERBEROS_TOKEN_PATH = "/ovirt-engine/sso/oauth/token-http-auth"
LOGOUT_PATH = "/ovirt-engine/services/sso-logout"
SSO_PATHS = (TOKEN_PATH, KERBEROS_TOKEN_PATH, LOGOUT_PATH)

USERNAME = "admin@internal"
PASSWORD = "p@ss w&rd=ä"


def xml(body, status=200, content_type="application/xml", **kwargs):
    """An XML reply."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    return Response(status, body, [("Content-Type", content_type)], **kwargs)


def json_reply(data, status=200, content_type="application/json"):
    """A JSON reply."""
    return Response(status, json.dumps(data).encode(), [("Content-Type", content_type)])


def fault(reason=None, detail=None, status=400):
    """A ``<fault>`` reply with the given parts."""
    parts = ""
    if reason is not None:
        parts += f"<reason>{reason}</reason>"
    if detail is not None:
        parts += f"<detail>{detail}</detail>"
    return xml(f"<fault>{parts}</fault>", status)


class Engine:
    """The scripted engine behind ``server``; see the module docstring."""

    def __init__(self, server):
        self.server = server
        self.url = server.url(API_PATH)
        self._tokens = itertools.count(1)
        self.api = lambda request: xml("<api/>")
        self.routes = {
            TOKEN_PATH: self.issue_token,
            KERBEROS_TOKEN_PATH: self.issue_token,
            LOGOUT_PATH: lambda request: json_reply({}),
        }
        server.handler = self.handle

    def issue_token(self, request):
        return json_reply({"access_token": f"token-{next(self._tokens)}", "token_type": "bearer"})

    def handle(self, request):
        return self.routes.get(request.path, self.api)(request)

    @property
    def requests(self):
        """Every request received, in order."""
        return list(self.server.requests)

    @property
    def api_requests(self):
        """The requests that went to neither an SSO endpoint nor a custom route."""
        return [r for r in self.server.requests if r.path not in self.routes]

    def sso_requests(self, path=TOKEN_PATH):
        return [r for r in self.server.requests if r.path == path]


@pytest.fixture
def engine(tls):
    """A scripted engine on an HTTPS server on 127.0.0.1 (``localhost`` in its URL)."""
    with HttpServer(certfile=tls.server_cert, keyfile=tls.server_key) as server:
        yield Engine(server)


@pytest.fixture
def connect(engine, tls):
    """Make connections to ``engine`` (password grant, trusting the test CA unless told
    otherwise); each is closed without logout at teardown."""
    made = []

    def make(**kwargs):
        kwargs.setdefault("url", engine.url)
        if "token" not in kwargs and not kwargs.get("kerberos"):
            kwargs.setdefault("username", USERNAME)
            kwargs.setdefault("password", PASSWORD)
        kwargs.setdefault("ca_file", str(tls.ca_cert))
        connection = Connection(**kwargs)
        made.append(connection)
        return connection

    yield make
    for connection in made:
        connection.close(logout=False)


@pytest.fixture
def connection(connect):
    return connect()

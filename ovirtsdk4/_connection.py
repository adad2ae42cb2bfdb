"""``Connection`` and ``ConnectionBuilder`` (API.md section 3).

The constructor and its checks are here; the exchange with the engine (transport, SSO,
services) arrives with issue #4.
"""

import os

from ovirtsdk4._pending import not_implemented
from ovirtsdk4.error import Error

__all__ = ["Connection", "ConnectionBuilder"]


class Connection:
    """A connection to an oVirt engine's API at ``url`` (normally
    ``https://host/ovirt-engine/api``)."""

    def __init__(
        self,
        url=None,
        username=None,
        password=None,
        token=None,
        insecure=False,
        ca_file=None,
        debug=False,
        log=None,
        kerberos=False,
        timeout=0,
        compress=True,
        sso_url=None,
        sso_revoke_url=None,
        sso_token_name="access_token",
        headers=None,
        pipeline=0,
        connections=0,
    ):
        if url is None:
            raise Error("The 'url' parameter is mandatory")
        if not insecure and ca_file is not None and not os.path.exists(ca_file):
            raise Error(f"The CA file '{ca_file}' doesn't exist")
        self._url = url
        self._username = username
        self._password = password
        self._token = token
        self._insecure = insecure
        self._ca_file = ca_file
        self._debug = debug
        self._log = log
        self._kerberos = kerberos
        self._timeout = timeout
        self._compress = compress
        self._sso_url = sso_url
        self._sso_revoke_url = sso_revoke_url
        self._sso_token_name = sso_token_name
        self._headers = headers
        self._pipeline = pipeline
        self._connections = connections

    @property
    def url(self):
        """The URL given to the constructor."""
        return self._url

    def __repr__(self):
        return f"<{type(self).__name__} url={self._url!r}>"

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.close()

    def is_link(self, obj):
        """Whether ``obj`` refers to another resource (its ``href`` is set)."""
        return obj.href is not None

    def system_service(self):
        not_implemented("Connection.system_service (issue #4)")

    def service(self, path):
        not_implemented("Connection.service (issue #4)")

    def authenticate(self):
        not_implemented("Connection.authenticate (issue #4)")

    def send(self, request):
        not_implemented("Connection.send (issue #4)")

    def wait(self, context):
        not_implemented("Connection.wait (issue #4)")

    def test(self, raise_exception=False):
        not_implemented("Connection.test (issue #4)")

    def follow_link(self, obj):
        not_implemented("Connection.follow_link (issue #4)")

    def check_xml_content_type(self, response):
        not_implemented("Connection.check_xml_content_type (issue #4)")

    def check_json_content_type(self, response):
        not_implemented("Connection.check_json_content_type (issue #4)")

    def close(self, logout=True):
        """Release the connection; it has sent nothing yet, so there is nothing to revoke."""


class ConnectionBuilder:
    """Keeps keyword arguments; each ``build()`` returns a new ``Connection`` made with them."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs

    def build(self):
        return Connection(**self._kwargs)

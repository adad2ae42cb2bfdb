"""``Connection`` and ``ConnectionBuilder`` (API.md sections 3 to 5).

The connection builds URLs and headers, obtains and revokes SSO tokens, and hands requests to
the transport (``ovirtsdk4._transport``), which runs them on one pycurl multi handle. Several
threads may share a connection: only token handling takes a lock, never a network wait.
"""

import os
import re
import threading
from urllib.parse import urlencode, urlparse

from ovirtsdk4 import http
from ovirtsdk4._curl_errors import TransferError
from ovirtsdk4.error import AuthError, Error
from ovirtsdk4.version import VERSION

__all__ = ["Connection", "ConnectionBuilder"]

_USER_AGENT = f"PythonSDK/{VERSION}"
_TYPICAL_PATH = "/ovirt-engine/api"
_XML_CONTENT_TYPE = re.compile(r"^\s*(application|text)/xml\s*(;.*)?$")
_JSON_CONTENT_TYPE = re.compile(r"^\s*(application|text)/json\s*(;.*)?$")
_API_PREFIX = "Failed to read response: "
_SSO_PREFIX = "Error while sending HTTP request: "


def _ascii_header(name, value):
    """The header as a (name, value) pair of ASCII text, or the official error (API.md H-2)."""
    text = str(value)
    try:
        text.encode("ascii")
        str(name).encode("ascii")
    except UnicodeEncodeError:
        raise Error(
            f"The value '{text}' of header '{name}' contains characters that can't be encoded "
            "using ASCII, as required by the HTTP protocol."
        ) from None
    return str(name), text


def _header_value(lines, name):
    """The value of the first header line called ``name`` (case-insensitive), or None."""
    prefix = name.lower() + ":"
    size = len(prefix)
    for line in lines:
        if line[:size].lower() == prefix:
            return line[size:].strip()
    return None


def _sso_error(reply):
    """(code, text) of an SSO error reply, for either of its two shapes (API.md A-3)."""
    if "error_description" in reply:
        return reply.get("error"), reply["error_description"]
    return reply.get("error_code"), reply.get("error")


class _Context:
    """What ``send`` returns and ``wait`` takes: the request, its transfer and the token it
    was sent with."""

    __slots__ = ("request", "token", "transfer")

    def __init__(self, request, transfer, token):
        self.request = request
        self.transfer = transfer
        self.token = token


class _Body:
    """The body of a streamed reply, with transport errors turned into SDK errors."""

    __slots__ = ("_stream",)

    def __init__(self, stream):
        self._stream = stream

    def read(self, size=-1):
        try:
            return self._stream.read(size)
        except TransferError as error:
            raise error.as_sdk_error(_API_PREFIX) from error

    def read_all(self):
        return b"".join(iter(self.read, b""))

    def close(self):
        self._stream.transfer.cancel()


def _pem_certificates(ca_certs, ca_file):
    """``ca_certs`` as PEM bytes, checked: one or more certificates, and no ``ca_file``."""
    if ca_file is not None:
        raise Error("The 'ca_file' and 'ca_certs' parameters can't be used together")
    if isinstance(ca_certs, str):
        ca_certs = ca_certs.encode("utf-8")
    if not isinstance(ca_certs, bytes):
        raise TypeError(
            f"The 'ca_certs' parameter must be PEM as 'bytes' or 'str', not "
            f"'{type(ca_certs).__name__}'"
        )
    if b"-----BEGIN CERTIFICATE-----" not in ca_certs:
        raise Error("The 'ca_certs' parameter holds no PEM certificate")
    return ca_certs


class Connection:
    """A connection to an oVirt engine's API at ``url`` (normally
    ``https://host/ovirt-engine/api``).

    Beyond the official parameters it accepts the keywords ``connect_timeout`` (seconds to
    establish a connection, 0 for libcurl's default), ``proxy_url`` (otherwise the usual
    ``https_proxy``/``no_proxy`` environment variables apply), ``ca_certs`` (the trusted
    CA certificates themselves, PEM as ``bytes`` or ``str``, instead of a ``ca_file``) and
    ``max_reply_size`` (the most bytes a reply body may have once decoded, 1 GiB by default;
    a larger one is stopped while it downloads: ``ovirtsdk4.ReplyTooLargeError``) and
    ``retries`` (a ``RetryPolicy``: requests that fail for a passing reason are tried again,
    see ``ovirtsdk4.retries``; none by default).
    """

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
        *,
        connect_timeout=0,
        proxy_url=None,
        ca_certs=None,
        max_reply_size=1 << 30,
        retries=None,
    ):
        if url is None:
            raise Error("The 'url' parameter is mandatory")
        if type(max_reply_size) is not int or max_reply_size < 0:
            raise Error(
                f"The 'max_reply_size' parameter must be a number of bytes (an int, 0 or "
                f"more), not {max_reply_size!r}"
            )
        if not insecure and ca_file is not None and not os.path.exists(ca_file):
            raise Error(f"The CA file '{ca_file}' doesn't exist")
        if not insecure and ca_certs is not None:
            ca_certs = _pem_certificates(ca_certs, ca_file)
        self._url = url
        self._username = username
        self._password = password
        self._token = token
        self._kerberos = kerberos
        self._sso_token_name = sso_token_name
        self._headers = dict(headers) if headers else {}
        parsed = urlparse(url)
        self._path = parsed.path
        root = f"{parsed.scheme}://{parsed.netloc}"
        if sso_url is None:
            endpoint = "token-http-auth" if kerberos else "token"
            sso_url = f"{root}/ovirt-engine/sso/oauth/{endpoint}"
        self._sso_url = sso_url
        self._sso_revoke_url = sso_revoke_url or f"{root}/ovirt-engine/services/sso-logout"
        self._token_lock = threading.Lock()
        self._closed = False  # close() has begun: no more logins
        self._fixed_headers = None  # (token, header pairs), see _make_fixed_headers
        self._system = None
        if retries is not None:
            # Imported only for a connection that has a policy (it costs dataclasses).
            from ovirtsdk4.retries import RetryPolicy

            if not isinstance(retries, RetryPolicy):
                raise TypeError(
                    f"The 'retries' parameter must be a RetryPolicy or None, not "
                    f"'{type(retries).__name__}'"
                )
        self._retries = retries
        self._retry_log = log.debug if log is not None else None
        debug_log = log.debug if debug and log is not None else None
        # pycurl is loaded with the first connection, not with the package.
        from ovirtsdk4._transport import Transport

        try:
            self._transport = Transport(
                # pycurl takes only str paths: accept a pathlib.Path as well.
                ca_file=os.fspath(ca_file) if ca_file is not None else None,
                ca_certs=ca_certs,
                insecure=insecure,
                timeout=timeout,
                connect_timeout=connect_timeout,
                compress=compress and not debug,
                connections=connections,
                pipeline=pipeline,
                proxy_url=proxy_url,
                debug_log=debug_log,
                max_reply_size=max_reply_size,
            )
        except OSError as error:  # e.g. no file descriptor left (EMFILE)
            raise Error(f"Can't create the connection: {error}") from error

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

    def system_service(self):
        """The root service (path ``''``); the same object on every call."""
        if self._system is None:
            from ovirtsdk4.services import SystemService

            self._system = SystemService(self, "")
        return self._system

    def service(self, path):
        """The service at ``path`` relative to the API root, e.g. ``vms/123/nics``."""
        return self.system_service().service(path)

    def is_link(self, obj):
        """Whether ``obj`` refers to another resource (its ``href`` is set)."""
        return obj.href is not None

    def follow_link(self, obj):
        """Fetch what ``obj.href`` refers to: ``list()`` for an ``ovirtsdk4.List``, else
        ``get()`` (API.md C-21)."""
        from ovirtsdk4 import List

        href = obj.href
        if href is None:
            raise Error("Can't follow link because the 'href' attribute does't have a value")
        prefix = self._path
        if not prefix.endswith("/"):
            prefix += "/"
        if not href.startswith(prefix):
            raise Error(f"The URL '{href}' isn't compatible with the base URL of the connection")
        service = self.service(href[len(prefix) :])
        return service.list() if isinstance(obj, List) else service.get()

    def test(self, raise_exception=False):
        """Whether the API answers: ``system_service().get()`` succeeds."""
        try:
            self.system_service().get()
        except Error:
            if raise_exception:
                raise
            return False
        except Exception as error:
            if raise_exception:
                raise Error(str(error)) from error
            return False
        return True

    def authenticate(self):
        """Obtain an SSO token if none is held, and return it (API.md A-1, A-2). Once
        ``close()`` has begun, no new token is obtained: ``Error``."""
        with self._token_lock:
            if self._token is None:
                if self._closed:
                    raise Error("The connection is closed")
                self._token = self._request_token()
            return self._token

    def send(self, request):
        """Start ``request`` (an ``http.Request``) and return a context for ``wait``."""
        url, headers, body, token = self._prepare(request)
        return _Context(request, self._submit(request.method, url, headers, body), token)

    def stream(self, request, failed_auth=False):
        """Start ``request`` and return, as soon as the reply begins, an ``http.Response``
        without body and a file-like object whose ``read(n)`` gives the body while it
        downloads (at most about a megabyte waits in memory). Close it to abandon the rest. A
        401 gets one new token and one retry, as in ``wait``; the connection's ``retries``
        policy applies until the body begins. (Ours; not in the official SDK.)
        """
        if self._retries is None or failed_auth:
            return self._stream_once(request, failed_auth)
        from ovirtsdk4.retries import stream_with_retries

        return stream_with_retries(
            self._retries, request, lambda attempt: self._stream_once(request), self._retry_log
        )

    def _stream_once(self, request, failed_auth=False):
        """One try of ``stream`` (its 401 retry included)."""
        url, headers, body, token = self._prepare(request)
        from ovirtsdk4._transport import BodyStream

        stream = BodyStream(self._transport)
        try:
            stream.start(request.method, url, headers)
        except ValueError as error:
            raise Error(f"Can't send the request: {error}") from error
        try:
            status, lines = stream.start_line()
        except TransferError as error:
            raise error.as_sdk_error(_API_PREFIX) from error
        if status == 401 and not failed_auth:
            stream.transfer.cancel()
            self._forget_token(token)
            return self.stream(request, failed_auth=True)
        return http.Response(code=status, headers=lines), _Body(stream)

    def _prepare(self, request):
        """The URL, header pairs, body bytes and token of ``request`` (API.md H-1 … H-3)."""
        query = request.query or {}
        header_pairs = None
        # Engines older than 4.1 read all_content from a header only (API.md H-2).
        if self._headers or request.headers or query.get("all_content") is not None:
            headers = dict(self._headers)
            for name, value in (request.headers or {}).items():
                if value is not None:
                    headers[name] = value
            if query.get("all_content") is not None:
                headers["All-Content"] = query["all_content"]
            header_pairs = [_ascii_header(name, value) for name, value in headers.items()]
        token = self._token  # read without the lock when held: authenticate() would return it
        if token is None:
            token = self.authenticate()
        fixed = self._fixed_headers
        if fixed is None or fixed[0] != token:
            fixed = self._fixed_headers = (token, self._make_fixed_headers(token))
        if header_pairs:
            given = {name.lower() for name, _ in header_pairs}
            header_pairs += [pair for pair in fixed[1] if pair[0].lower() not in given]
        else:
            header_pairs = fixed[1]
        url = self._url + request.path
        if query:
            url += "?" + urlencode(sorted((str(k), str(v)) for k, v in query.items()))
        body = request.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        return url, header_pairs, body, token

    @staticmethod
    def _make_fixed_headers(token):
        """The headers every API request has unless the caller gives its own, as a tuple of
        checked pairs; kept for as long as the token is, as most requests add none."""
        fixed = (
            ("User-Agent", _USER_AGENT),
            ("Version", "4"),
            ("Content-Type", "application/xml"),
            ("Accept", "application/xml"),
            ("Authorization", f"Bearer {token}"),
        )
        return tuple(_ascii_header(name, value) for name, value in fixed)

    def _submit(self, method, url, headers, body):
        try:
            return self._transport.submit(method, url, headers, body)
        except ValueError as error:
            # The transport refuses a header with a CR, LF or NUL (libcurl would put it on
            # the wire as is, a header injection): an SDK error, and nothing is sent.
            raise Error(f"Can't send the request: {error}") from error

    def _forget_token(self, token):
        with self._token_lock:
            # Many requests sent with the same expired token all get a 401: only the first
            # one drops it, so that one new token serves every retry.
            if self._token == token:
                self._token = None

    def wait(self, context, failed_auth=False):
        """Wait for the reply of a ``send`` and return it as an ``http.Response``. A 401 gets
        one new token and one retry (API.md A-5); other failures are tried again as the
        connection's ``retries`` policy says."""
        if self._retries is None or failed_auth:
            return self._wait_once(context, failed_auth)
        from ovirtsdk4.retries import call_with_retries

        return call_with_retries(
            self._retries,
            context.request,
            lambda attempt: self._wait_once(
                context if attempt == 1 else self.send(context.request)
            ),
            self._retry_log,
        )

    def _wait_once(self, context, failed_auth=False):
        """One try of ``wait`` (its 401 retry included)."""
        try:
            reply = context.transfer.result()
        except TransferError as error:
            raise error.as_sdk_error(_API_PREFIX) from error
        if reply.status == 401 and not failed_auth:
            self._forget_token(context.token)
            return self.wait(self.send(context.request), failed_auth=True)
        lines = reply.header_lines
        status_line = lines[0].split(None, 2) if lines else []
        response = http.Response(body=reply.body, code=reply.status, headers=lines)
        response.reason = status_line[2] if len(status_line) == 3 else ""
        return response

    def check_xml_content_type(self, response):
        """Raise ``Error`` unless the response says it is XML (API.md S-6)."""
        self._check_content_type(_XML_CONTENT_TYPE, "XML", response.headers)

    def check_json_content_type(self, response):
        """Raise ``Error`` unless the response says it is JSON (API.md A-1)."""
        self._check_content_type(_JSON_CONTENT_TYPE, "JSON", response.headers)

    def _check_content_type(self, expected, name, header_lines):
        content_type = _header_value(header_lines, "content-type")
        if content_type is not None and expected.match(content_type):
            return
        message = f"The response content type '{content_type}' isn't the expected {name}"
        if self._path != _TYPICAL_PATH:
            message += (
                f". Is the path '{self._path}' included in the 'url' parameter correct? "
                f"The typical one is '{_TYPICAL_PATH}'"
            )
        raise Error(message)

    def _sso_exchange(self, url, fields):
        """POST form ``fields`` to an SSO endpoint and return the decoded JSON object; the
        connection's ``timeout`` bounds it as it bounds API requests (docs/differences.md C2)."""
        headers = [("User-Agent", _USER_AGENT), ("Accept", "application/json")]
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        body = urlencode(fields).encode("ascii")
        transfer = self._transport.submit("POST", url, headers, body, negotiate=self._kerberos)
        try:
            reply = transfer.result()
        except TransferError as error:
            raise error.as_sdk_error(_SSO_PREFIX) from error
        response = http.Response(body=reply.body, code=reply.status, headers=reply.header_lines)
        self.check_json_content_type(response)
        try:
            import json  # only SSO needs it: not imported with the package

            data = json.loads(reply.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise Error(f"The SSO response isn't valid JSON: {error}") from error
        if isinstance(data, list):
            data = data[0] if data else {}
        if not isinstance(data, dict):
            raise Error(f"The SSO response isn't a JSON object: {reply.body[:200]!r}")
        return data

    def _request_token(self):
        if self._kerberos:
            fields = [("grant_type", "urn:ovirt:params:oauth:grant-type:http")]
            fields.append(("scope", "ovirt-app-api"))
        else:
            fields = [
                ("grant_type", "password"),
                ("scope", "ovirt-app-api"),
                ("username", self._username or ""),
                ("password", self._password or ""),
            ]
        reply = self._sso_exchange(self._sso_url, fields)
        if "error" in reply:
            code, text = _sso_error(reply)
            raise AuthError(f"Error during SSO authentication {code} : {text}")
        if self._sso_token_name not in reply:
            raise AuthError(f"The SSO response has no '{self._sso_token_name}' field")
        return reply[self._sso_token_name]

    def close(self, logout=True):
        """Revoke the token when ``logout`` is true and one is held (API.md A-4), then release
        the transport. Final: no login starts after it has begun (one under way finishes, and
        its token is the one revoked), and a second call does nothing."""
        with self._token_lock:
            if self._closed:
                return
            self._closed = True
            token, self._token = (self._token, None) if logout else (None, self._token)
        try:
            if token is not None:
                reply = self._sso_exchange(
                    self._sso_revoke_url, [("scope", "ovirt-app-api"), ("token", token)]
                )
                if "error" in reply:
                    code, text = _sso_error(reply)
                    raise AuthError(f"Error during SSO revoke {code} : {text}")
        finally:
            self._transport.close()


class ConnectionBuilder:
    """Keeps keyword arguments; each ``build()`` returns a new ``Connection`` made with them."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs

    def build(self):
        return Connection(**self._kwargs)

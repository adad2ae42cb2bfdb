"""libcurl's result codes mapped to SDK errors: the one table, and ``TransferError``.

Kept apart from ``ovirtsdk4._transport`` so that the connection can name these without
importing pycurl, which is only loaded when the first ``Connection`` is made.
"""

from ovirtsdk4.error import ConnectionError, Error, TimeoutError

__all__ = ["CURL_ERRORS", "TransferError", "error_class"]

#: libcurl result code -> ovirtsdk4 error class. Codes not listed map to ``Error``.
#:
#: ``ConnectionError``: the server could not be reached or the connection to it broke, so
#: retrying later may help: name resolution, refused connections, sockets that fail or are
#: reset, a reply cut short (the server closed before ``Content-Length`` was reached, or sent
#: nothing), HTTP/2 stream and session errors, and every TLS failure (handshake, certificate
#: verification, the CA file, pinning, OCSP status) since API.md E-3 groups TLS with the
#: connection failures. ``TimeoutError``: the request or the connection timed out (28).
#: Everything else (malformed URL, a server reply libcurl cannot parse, a failing write
#: callback, out of memory...) is a plain ``Error``.
CURL_ERRORS: dict[int, type[Error]] = {
    5: ConnectionError,  # COULDNT_RESOLVE_PROXY
    6: ConnectionError,  # COULDNT_RESOLVE_HOST
    7: ConnectionError,  # COULDNT_CONNECT (refused, unreachable)
    16: ConnectionError,  # HTTP2: HTTP/2 framing layer problem
    18: ConnectionError,  # PARTIAL_FILE: the body ended before Content-Length / last chunk
    # OPERATION_TIMEDOUT: TIMEOUT_MS or CONNECTTIMEOUT_MS expired (docs/differences.md C1)
    28: TimeoutError,
    35: ConnectionError,  # SSL_CONNECT_ERROR: TLS handshake failed
    51: ConnectionError,  # (old PEER_FAILED_VERIFICATION; now merged into 60)
    52: ConnectionError,  # GOT_NOTHING: the server closed without replying
    53: ConnectionError,  # SSL_ENGINE_NOTFOUND
    54: ConnectionError,  # SSL_ENGINE_SETFAILED
    55: ConnectionError,  # SEND_ERROR: e.g. connection reset while sending
    56: ConnectionError,  # RECV_ERROR: e.g. connection reset, TLS unexpected EOF
    58: ConnectionError,  # SSL_CERTPROBLEM: local client certificate problem
    59: ConnectionError,  # SSL_CIPHER
    60: ConnectionError,  # PEER_FAILED_VERIFICATION: unknown CA, wrong host name, expired...
    64: ConnectionError,  # USE_SSL_FAILED
    66: ConnectionError,  # SSL_ENGINE_INITFAILED
    77: ConnectionError,  # SSL_CACERT_BADFILE: the CA file cannot be read
    80: ConnectionError,  # SSL_SHUTDOWN_FAILED
    82: ConnectionError,  # SSL_CRL_BADFILE
    83: ConnectionError,  # SSL_ISSUER_ERROR
    90: ConnectionError,  # SSL_PINNEDPUBKEYNOTMATCH
    91: ConnectionError,  # SSL_INVALIDCERTSTATUS (OCSP stapling)
    92: ConnectionError,  # HTTP2_STREAM: the server reset our stream
    95: ConnectionError,  # HTTP3
    96: ConnectionError,  # QUIC_CONNECT_ERROR
    97: ConnectionError,  # PROXY: the proxy refused or failed the CONNECT handshake
    98: ConnectionError,  # SSL_CLIENTCERT: the server wanted a client certificate
}


def error_class(curl_code):
    """The ``ovirtsdk4.error`` class for a libcurl result code (``None``: our own failure,
    such as a cancelled transfer or a closed transport, which is a plain ``Error``)."""
    return CURL_ERRORS.get(curl_code, Error)


class TransferError(Exception):
    """A transfer failed. ``curl_code`` is libcurl's result code (``None`` when the failure is
    ours: cancelled, transport closed) and ``text`` libcurl's message (its error buffer).

    ``str()`` is ``(code, 'text')``, the same as ``str(pycurl.error)``, which is what the
    official SDK puts after ``Error while sending HTTP request: `` (API.md E-3)."""

    def __init__(self, curl_code, text):
        super().__init__(curl_code, text)
        self.curl_code = curl_code
        self.text = text

    def __str__(self):
        if self.curl_code is None:
            return self.text
        return str((self.curl_code, self.text))

    def as_sdk_error(self, prefix=""):
        """The mapped ``ovirtsdk4.Error`` subclass instance with message ``prefix + str(self)``.
        Use it as ``raise err.as_sdk_error('Failed to read response: ') from err``."""
        return error_class(self.curl_code)(prefix + str(self))

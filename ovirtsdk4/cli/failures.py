"""Exit codes of ``ovirt-export`` and the one-line failures that carry them."""

from __future__ import annotations

import ovirtsdk4

__all__ = [
    "EXIT_AUTH",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_OTHER",
    "EXIT_OUTPUT",
    "EXIT_TERMINATED",
    "EXIT_TLS",
    "EXIT_UNREACHABLE",
    "EXIT_USAGE",
    "ExportFailure",
    "Terminated",
    "classify",
]

EXIT_OK = 0
EXIT_OTHER = 1  # the engine failed in another way (a fault, a document it cannot read)
EXIT_USAGE = 2  # bad arguments, or an output directory that may not be written
EXIT_AUTH = 3  # the engine refused the credentials
EXIT_UNREACHABLE = 4  # cannot connect, or the engine stopped answering (--timeout)
EXIT_TLS = 5  # the engine's certificate cannot be verified
EXIT_OUTPUT = 6  # the output cannot be written (disk full, permissions)
EXIT_INTERRUPTED = 130  # SIGINT (Ctrl-C)
EXIT_TERMINATED = 143  # SIGTERM

TLS_HINT = (
    "give the engine's CA certificate with --ca-file (it can be downloaded from "
    "https://ENGINE/ovirt-engine/services/pki-resource?resource=ca-certificate"
    "&format=X509-PEM-CA), or --insecure to skip the verification"
)


class ExportFailure(Exception):
    """A failure reported as one line on stderr, with exit status ``code``."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class Terminated(BaseException):
    """Raised in the main thread by the SIGTERM handler (like KeyboardInterrupt for SIGINT)."""


def _is_tls(text):
    lowered = text.lower()
    return any(word in lowered for word in ("ssl", "certificate", "tls"))


def classify(exc):
    """The :class:`ExportFailure` for an ``ovirtsdk4.Error`` raised by the engine's side."""
    text = str(exc)
    if isinstance(exc, ovirtsdk4.AuthError):
        return ExportFailure(EXIT_AUTH, f"authentication failed: {text}")
    if _is_tls(text):
        return ExportFailure(EXIT_TLS, f"TLS problem: {text}; {TLS_HINT}")
    if isinstance(exc, ovirtsdk4.TimeoutError):
        return ExportFailure(
            EXIT_UNREACHABLE, f"the engine did not answer in time: {text} (see --timeout)"
        )
    if isinstance(exc, ovirtsdk4.ConnectionError):
        return ExportFailure(EXIT_UNREACHABLE, f"cannot reach the engine: {text}")
    return ExportFailure(EXIT_OTHER, f"the engine failed: {text}")

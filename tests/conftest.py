"""Shared fixtures: the API model, when the checkout has ../shared beside it."""

import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The generator is not installed: let the tests import it from the checkout. Appended, so that
# the installed ovirtsdk4 (with its compiled extensions) wins over the source tree.
sys.path.append(str(ROOT))
MODEL_PATH = ROOT.parent / "shared" / "model" / "ovirt-api-model.json"


@pytest.fixture(scope="session")
def api_model():
    """The view model of the real API model (skips when ../shared/model is absent)."""
    if not MODEL_PATH.is_file():
        pytest.skip(f"the API model is not at {MODEL_PATH}")
    from codegen.model import load

    return load(MODEL_PATH)


@pytest.fixture(autouse=True)
def _outside_the_checkout(tmp_path, monkeypatch):
    """Run every test from an empty directory: child processes that start Python then import
    the installed package, not the source tree (which has no compiled extensions)."""
    monkeypatch.chdir(tmp_path)


_PROXY_VARIABLES = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
)


@pytest.fixture(autouse=True)
def _no_proxy_from_the_environment(monkeypatch):
    """libcurl reads proxy variables from the environment: keep the tests on loopback."""
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def tls(tmp_path_factory):
    from ovirtsdk4.testing._tls import make_tls_material

    """A CA, server certificates (with SAN; CN only) and an unrelated CA, as PEM files."""
    return make_tls_material(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def refused_port():
    """A loopback port nobody listens on."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port

"""IDE hovers show the generated docstrings: pyright's language server, asked about a service
method and a struct of a script, answers with the types of the stubs and the docstrings of the
``.py`` files beside them (the stubs have none of their own)."""

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = """from ovirtsdk4 import services, types


def f(vms: services.VmsService) -> None:
    vms.add_from_scratch(types.Vm())
"""


class _Server:
    """A pyright language server on stdio, spoken to in JSON-RPC."""

    def __init__(self, command, root):
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self._watchdog = threading.Timer(120, self._process.kill)
        self._watchdog.start()
        self._root = root
        self._ids = 0

    def close(self):
        self._watchdog.cancel()
        self._process.kill()
        self._process.wait()
        self._process.stdin.close()
        self._process.stdout.close()

    def notify(self, method, params):
        body = json.dumps({"jsonrpc": "2.0", "method": method, "params": params}).encode()
        self._process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self._process.stdin.flush()

    def _answer(self, request, result):
        body = json.dumps({"jsonrpc": "2.0", "id": request["id"], "result": result}).encode()
        self._process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        self._process.stdin.flush()

    def _receive(self):
        length = None
        while True:
            line = self._process.stdout.readline()
            if not line:
                pytest.fail("the language server stopped (or took more than 120 s)")
            line = line.strip()
            if not line:
                break
            name, _, value = line.decode("ascii").partition(": ")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self._process.stdout.read(length))

    def request(self, method, params):
        self._ids += 1
        body = {"jsonrpc": "2.0", "id": self._ids, "method": method, "params": params}
        data = json.dumps(body).encode()
        self._process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(data), data))
        self._process.stdin.flush()
        while True:
            message = self._receive()
            if message.get("id") == self._ids and "method" not in message:
                return message.get("result")
            if message.get("method") == "workspace/configuration":
                items = message["params"]["items"]
                self._answer(message, [{"extraPaths": [str(ROOT)]} for _ in items])
            elif "id" in message and "method" in message:
                self._answer(message, None)


@pytest.fixture
def server(tmp_path):
    found = shutil.which("pyright-langserver", path=str(Path(sys.executable).parent))
    found = found or shutil.which("pyright-langserver")
    if found is None:
        pytest.skip("pyright is not installed (a development dependency)")
    (tmp_path / "pyrightconfig.json").write_text(json.dumps({"extraPaths": [str(ROOT)]}))
    (tmp_path / "script.py").write_text(SCRIPT)
    lsp = _Server([found, "--stdio"], tmp_path)
    root = tmp_path.as_uri()
    lsp.request(
        "initialize",
        {
            "processId": os.getpid(),
            "rootUri": root,
            "workspaceFolders": [{"uri": root, "name": "typing"}],
            "capabilities": {"textDocument": {"hover": {"contentFormat": ["markdown"]}}},
        },
    )
    lsp.notify("initialized", {})
    lsp.notify(
        "textDocument/didOpen",
        {
            "textDocument": {
                "uri": (tmp_path / "script.py").as_uri(),
                "languageId": "python",
                "version": 1,
                "text": SCRIPT,
            }
        },
    )
    yield lsp, (tmp_path / "script.py").as_uri()
    lsp.close()


def _hover(server, text):
    lsp, uri = server
    line = next(i for i, line in enumerate(SCRIPT.splitlines()) if text in line)
    column = SCRIPT.splitlines()[line].index(text) + 1
    result = lsp.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": line, "character": column}},
    )
    assert result is not None, f"no hover for {text}"
    return result["contents"]["value"]


def test_hovers_show_the_stub_types_and_the_generated_docstrings(server):
    method = _hover(server, "add_from_scratch")
    assert "wait: Literal[True] = True" in method and ") -> Vm" in method
    assert "Add: `POST {path}`, as `add`." in method
    assert "`vm.cluster.id` or `vm.cluster.name`" in method
    struct = _hover(server, "Vm()")
    assert "Struct `Vm`: XML element `<vm>`" in struct

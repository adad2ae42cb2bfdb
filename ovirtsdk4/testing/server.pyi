# Types of ``server.py``: the simulator served over HTTPS (docs/typing.md).

import os
from typing import Any

from typing_extensions import Self

from ovirtsdk4._connection import Connection
from ovirtsdk4.testing._http import HttpServer
from ovirtsdk4.testing._tls import TlsMaterial
from ovirtsdk4.testing.engine import Engine
from ovirtsdk4.testing.seed import Seed, SeedReport

__all__ = ["Simulator", "simulator"]

class Simulator:
    engine: Engine
    counts: dict[str, int]
    seeded: SeedReport
    server: HttpServer | None
    tls: TlsMaterial | None
    def __init__(
        self,
        vms: int = 0,
        *,
        seed: str | os.PathLike[str] | Seed | None = None,
        engine: Engine | None = None,
        port: int = 0,
        tls_dir: str | os.PathLike[str] | None = None,
        username: str = "admin@internal",
        password: str | None = None,
        transition_delay: float = 0.0,
        inventory: dict[str, Any] | None = None,
        host: str | None = None,
        record: int = 10000,
        **engine_options: Any,
    ) -> None: ...
    @property
    def username(self) -> str: ...
    @property
    def password(self) -> str: ...
    def start(self) -> Self: ...
    def stop(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...
    @property
    def port(self) -> int: ...
    @property
    def addresses(self) -> list[tuple[str, int]]: ...
    @property
    def base_url(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def ca_file(self) -> str: ...
    def connection_kwargs(self, **extra: Any) -> dict[str, Any]: ...
    def connection(self, **extra: Any) -> Connection: ...

def simulator(vms: int = 0, **kwargs: Any) -> Simulator: ...

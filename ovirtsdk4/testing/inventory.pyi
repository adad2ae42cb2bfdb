# Types of ``inventory.py``: the generated inventory (docs/typing.md).

import os
from collections.abc import Callable
from typing import Any

from ovirtsdk4._bases import Struct
from ovirtsdk4.testing.engine import Engine
from ovirtsdk4.testing.seed import SeedReport

__all__ = ["LAZY", "load_seed", "object_from_json", "populate", "statistics_for"]

LAZY: dict[tuple[type[Struct], str], Callable[[Engine, Any], Any]]

def statistics_for(engine: Engine, parent: Struct) -> Any: ...
def populate(
    engine: Engine,
    vms: int = 100,
    *,
    data_centers: int | None = None,
    clusters: int | None = None,
    hosts: int | None = None,
    storage_domains: int | None = None,
    seed: int = 0,
    events: int = 20,
) -> dict[str, int]: ...
def load_seed(engine: Engine, path: str | os.PathLike[str]) -> SeedReport: ...
def object_from_json(data: dict[str, Any], cls: type[Struct] | None = None) -> Struct: ...

# Types of ``ovirtsdk4.testing``: the simulator's entry points (docs/typing.md).

from ovirtsdk4.testing.engine import Engine as Engine
from ovirtsdk4.testing.inventory import populate as populate
from ovirtsdk4.testing.server import Simulator as Simulator
from ovirtsdk4.testing.server import simulator as simulator

__all__ = ["Engine", "Simulator", "populate", "simulator"]

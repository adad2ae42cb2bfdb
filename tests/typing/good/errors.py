"""Errors are typed: their code and fault may be missing."""

import ovirtsdk4
from ovirtsdk4 import types


def run(connection: ovirtsdk4.Connection) -> None:
    vms_service = connection.system_service().vms_service()
    try:
        vms_service.vm_service("no-such-vm").get()
    except ovirtsdk4.NotFoundError as error:
        code: int | None = error.code
        fault: types.Fault | None = error.fault
        print(code, fault.reason if fault is not None else None, str(error))
    except ovirtsdk4.Error as error:
        raise AssertionError(f"not a 404: {error}") from error
    else:
        raise AssertionError("expected a NotFoundError")
    try:
        ovirtsdk4.Connection(url="https://localhost:1/ovirt-engine/api", ca_certs="not PEM")
    except ovirtsdk4.Error as error:
        print(type(error).__name__, error)

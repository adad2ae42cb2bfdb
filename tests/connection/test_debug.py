"""API.md C-6: debug=True with a logging.Logger logs the traffic, without secrets."""

import logging

from .conftest import PASSWORD


class ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def make_logger(name):
    logger = logging.getLogger(name)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    handler = ListHandler()
    logger.addHandler(handler)
    return logger, handler


def test_debug_logs_lines_with_secrets_redacted(engine, connect):
    logger, handler = make_logger("ovirtsdk4-tests.debug")
    try:
        connection = connect(debug=True, log=logger, headers={"X-Custom": "yes"})
        connection.system_service().vms_service().list()
        connection.close()
    finally:
        logger.removeHandler(handler)
    messages = [record.getMessage() for record in handler.records]
    assert messages
    assert all(record.levelno == logging.DEBUG for record in handler.records)
    assert all("\n" not in message for message in messages)
    assert any(m.startswith("< GET /ovirt-engine/api/vms HTTP/1.1") for m in messages)
    assert any(m.startswith("< POST /ovirt-engine/sso/oauth/token") for m in messages)
    assert any(m.startswith("> HTTP/1.1 200") for m in messages)
    assert "< X-Custom: yes" in messages
    text = "\n".join(messages)
    for secret in ("token-1", PASSWORD, "p%40ss+w%26rd%3D%C3%A4", "w%26rd"):
        assert secret not in text
    assert "Authorization: ***" in text


def test_debug_without_a_logger_logs_nothing(engine, connect):
    logger, handler = make_logger("ovirtsdk4-tests.silent")
    try:
        connect(debug=True, log=None).system_service().get()
        connect(debug=False, log=logger).system_service().get()
    finally:
        logger.removeHandler(handler)
    assert handler.records == []

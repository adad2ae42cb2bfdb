"""The request and response objects that ``Connection.send`` and ``Connection.wait`` exchange
(API.md C-25)."""

__all__ = ["Request", "Response"]


class Request:
    """An HTTP request: ``path`` is relative to the connection's URL."""

    def __init__(self, method="GET", path="", query=None, headers=None, body=None):
        self.method = method
        self.path = path
        self.query = query if query is not None else {}
        self.headers = headers if headers is not None else {}
        self.body = body


class Response:
    """An HTTP response: ``code`` is the status, ``body`` the raw bytes."""

    def __init__(self, body=None, code=None, headers=None, message=None):
        self.body = body
        self.code = code
        self.headers = headers if headers is not None else {}
        self.message = message

# Types of ``http.py`` (docs/typing.md).

__all__ = ["Request", "Response"]

class Request:
    method: str
    path: str
    query: dict[str, object]
    headers: dict[str, object]
    body: str | bytes | None
    def __init__(
        self,
        method: str = "GET",
        path: str = "",
        query: dict[str, object] | None = None,
        headers: dict[str, object] | None = None,
        body: str | bytes | None = None,
    ) -> None: ...

class Response:
    body: bytes | None
    code: int | None
    headers: list[str]
    message: str | None
    def __init__(
        self,
        body: bytes | None = None,
        code: int | None = None,
        headers: list[str] | None = None,
        message: str | None = None,
    ) -> None: ...

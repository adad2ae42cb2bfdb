"""The code generator: API model JSON → view model → Jinja templates → committed Python."""

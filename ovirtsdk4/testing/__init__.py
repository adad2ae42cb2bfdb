"""Tools for testing scripts without an engine: TLS material made on the fly, a scriptable
local HTTPS server and (later) a model-driven engine simulator. Needs the ``testing`` extra."""

"""``manifest.json``: the record of one export run (see docs/export.md)."""

from __future__ import annotations

import datetime
import json
import os
from urllib.parse import urlsplit, urlunsplit

from ovirtsdk4.version import VERSION

__all__ = ["build", "public_url", "write"]

SCHEMA_VERSION = 1


def public_url(url):
    """``url`` without user information, query or fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _engine(url, api):
    engine = {"url": public_url(url)}
    info = api.product_info if api is not None else None
    if info is not None:
        engine["product"] = info.name
        engine["vendor"] = info.vendor
        version = info.version
        if version is not None:
            engine["version"] = version.full_version
            engine["api_version"] = f"{version.major}.{version.minor}"
    return engine


def _iso(moment):
    return moment.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds")


def build(*, url, api, simulated, started, finished, output, collections, options):
    """The manifest as a dict. ``collections``: ``[(name, objects, seconds)]``."""
    return {
        "manifest_version": SCHEMA_VERSION,
        "tool": {"name": "ovirt-export", "version": VERSION},
        "simulated": simulated,
        "engine": _engine(url, api),
        "started": _iso(started),
        "finished": _iso(finished),
        "seconds": round((finished - started).total_seconds(), 3),
        "format": output.format,
        "collections": {
            name: {"objects": objects, "seconds": round(seconds, 3), **output.describe(name)}
            for name, objects, seconds in collections
        },
        "options": options,
    }


def write(directory, manifest):
    path = os.path.join(directory, "manifest.json")
    with open(path, "x", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write("\n")

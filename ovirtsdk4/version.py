"""The version of the official SDK that this package is compatible with (API.md M-3)."""

VERSION = "4.6.3"

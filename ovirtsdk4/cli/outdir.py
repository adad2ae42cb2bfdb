"""The output directory: checked before anything starts, written as a hidden sibling, and
put in place as a whole at the end.

* A directory that does not exist, or is empty, is created by the final rename.
* A directory holding an earlier export (``manifest.json``, or only ``.jsonl``/``.csv``/``.db``
  files of an export made before manifests existed) is refused unless ``overwrite``; then it
  is exchanged with the new one in one ``renameat2(RENAME_EXCHANGE)`` where the system has
  it (two renames otherwise) and removed.
* Any other directory is never touched.

The run writes into ``.<name>.ovirt-export-<pid>`` next to the target; ``discard`` removes it,
so a failed or interrupted run leaves the target as it was.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil

from ovirtsdk4.cli.failures import EXIT_OUTPUT, EXIT_USAGE, ExportFailure

__all__ = ["MANIFEST", "Staging"]

MANIFEST = "manifest.json"
_EXPORT_SUFFIXES = (".jsonl", ".csv", ".db")
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _is_export(path, entries):
    if MANIFEST in entries:
        return True
    return all(
        name.endswith(_EXPORT_SUFFIXES) and os.path.isfile(os.path.join(path, name))
        for name in entries
    )


def _exchange(a, b):
    """Swap two paths atomically; False when the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), b)


class Staging:
    """Where one run writes (``path``), and how it becomes ``target``."""

    def __init__(self, target, overwrite):
        self.target = os.path.abspath(target)
        self.overwrite = overwrite
        parent, name = os.path.split(self.target)
        self.parent = parent
        self.path = os.path.join(parent, f".{name}.ovirt-export-{os.getpid()}")
        self.replaces = False

    def check(self):
        """Refuse, before anything starts, a target this run may not write."""
        target = self.target
        if not os.path.isdir(self.parent):
            raise ExportFailure(EXIT_USAGE, f"cannot write {target}: {self.parent} doesn't exist")
        if not os.path.lexists(target):
            return
        if not os.path.isdir(target) or os.path.islink(target):
            raise ExportFailure(EXIT_USAGE, f"{target} exists and is not a directory")
        entries = os.listdir(target)
        if not entries:
            return
        if not _is_export(target, entries):
            raise ExportFailure(
                EXIT_USAGE,
                f"{target} holds files that are not an export; give an empty or new directory",
            )
        if not self.overwrite:
            raise ExportFailure(
                EXIT_USAGE,
                f"{target} holds an earlier export; give --overwrite to replace it, "
                "or another directory",
            )
        self.replaces = True

    def create(self):
        try:
            os.mkdir(self.path)
        except OSError as exc:
            raise ExportFailure(
                EXIT_OUTPUT, f"cannot write {self.parent}: {exc.strerror or exc}"
            ) from None
        return self.path

    def publish(self):
        """Put the finished export in place of ``target``."""
        target = self.target
        if self.replaces:
            if _exchange(self.path, target):
                shutil.rmtree(self.path)
                return
            old = self.path + "-old"
            os.rename(target, old)
            os.rename(self.path, target)
            shutil.rmtree(old)
            return
        os.rename(self.path, target)  # replaces an empty directory (checked above)

    def discard(self):
        shutil.rmtree(self.path, ignore_errors=True)

"""Install checks of ovirtsdk4-fast, run before the package ``ovirtsdk4`` is imported.

ovirtsdk4-fast and the official ``ovirt-engine-sdk-python`` both install the import package
``ovirtsdk4``, so installing one over the other leaves a directory that mixes their files, and
uninstalling either one afterwards deletes files the other needs. A wheel of ovirtsdk4-fast
installs this module at the top of site-packages with ``ovirtsdk4_fast.pth``, whose one line
imports it at interpreter start: it only puts a finder in front of ``sys.meta_path``. The
finder acts on ``import ovirtsdk4`` (``ovirt-export`` and the simulator included) and leaves
``sys.meta_path`` once the checks have passed:

- when both distributions are recorded in the site-packages directory that holds this module,
  or when a file that this distribution installed is missing, or when the official's compiled
  ``ovirtsdk4.xml`` sits beside ours, or when an official ``ovirtsdk4`` earlier on
  ``sys.path`` (``PYTHONPATH``, a user site) would be imported instead of ours, the import
  fails with :class:`InstallError`, whose message gives the commands that repair the
  environment;
- otherwise it does nothing, and Python imports ``ovirtsdk4`` as usual.

``ovirtsdk4/__init__.py`` runs the same checks (for interpreters started without ``site``),
and ``ovirtsdk4._xml`` calls :func:`unbuilt` when its compiled modules are missing, as in a
source checkout. An :class:`InstallError` that nobody catches is shown as its message alone,
without a traceback: it is a state of the environment, not a bug of the caller.

PYTEST_DONT_REWRITE: pytest rewrites the modules of every distribution that declares a pytest
plugin, as ours does, and warns about those imported before it starts; this one always is.
"""

import os
import sys

DISTRIBUTION = "ovirtsdk4-fast"
OFFICIAL = "ovirt-engine-sdk-python"
_SITE = os.path.dirname(os.path.abspath(__file__))
_checked = False


class InstallError(RuntimeError):
    """``ovirtsdk4`` cannot be imported because of how it is installed; the message says how
    to repair it. Not an ``ImportError``: code that treats ``ImportError`` as "the SDK is not
    installed" (optional imports, as in configuration-management modules) would hide it."""


def _pip(arguments):
    return f"{sys.executable} -m pip {arguments}"


def _dist_info(name):
    """The ``.dist-info`` directory of distribution ``name`` in our site directory, or None."""
    prefix = name.replace("-", "_").lower() + "-"
    try:
        entries = os.listdir(_SITE)
    except OSError:
        return None
    for entry in entries:
        if entry.lower().startswith(prefix) and entry.endswith(".dist-info"):
            return os.path.join(_SITE, entry)
    return None


def _recorded_files(dist_info):
    try:
        with open(os.path.join(dist_info, "RECORD"), encoding="utf-8") as record:
            return [line.split(",", 1)[0] for line in record if line.strip()]
    except OSError:
        return []


def _official_xml(package):
    """The official's compiled ``xml`` module in the directory ``package``, or None."""
    try:
        names = os.listdir(package)
    except OSError:
        return None
    for name in names:
        if name.startswith("xml.") and name.endswith(".so"):
            return os.path.join(package, name)
    return None


def _shadowing():
    """The official package that ``import ovirtsdk4`` would find before ours, or None."""
    for entry in sys.path:
        package = os.path.join(os.path.abspath(entry or os.curdir), "ovirtsdk4")
        if os.path.isdir(package):
            if os.path.dirname(package) == _SITE:
                return None
            return package if _official_xml(package) else None
    return None


def _problem():
    """What is wrong with this installation, with the repair commands; None when it is whole."""
    ours = _dist_info(DISTRIBUTION)
    if ours is None:
        return None  # not an installed wheel (a source checkout, an editable install)
    shadow = _shadowing()
    if shadow is not None:
        return (
            f"the official {OFFICIAL} in {shadow}\n"
            f"comes first on sys.path and would be imported instead of {DISTRIBUTION} in\n"
            f"{_SITE}. Take {os.path.dirname(shadow)} off sys.path (PYTHONPATH, the user\n"
            f"site), or remove that copy with the pip of the Python that installed it:\n"
            f"    python -m pip uninstall -y {OFFICIAL}"
        )
    reinstall_ours = _pip(f"install --force-reinstall --no-deps {DISTRIBUTION}")
    if _dist_info(OFFICIAL) is not None:
        return (
            f"{DISTRIBUTION} and the official {OFFICIAL} are both installed in {_SITE}.\n"
            "Both provide the package 'ovirtsdk4', so each overwrote files of the other and\n"
            "neither works. Keep one of them. To keep ovirtsdk4-fast:\n"
            f"    {_pip(f'uninstall -y {OFFICIAL} {DISTRIBUTION}')}\n"
            f"    {_pip(f'install {DISTRIBUTION}')}\n"
            "or, to go back to the official package:\n"
            f"    {_pip(f'uninstall -y {DISTRIBUTION} {OFFICIAL}')}\n"
            f"    {_pip(f'install {OFFICIAL}')}\n"
            f"A tool whose requirements name {OFFICIAL} works with {DISTRIBUTION} alone:\n"
            f"install its other requirements, not {OFFICIAL} (see the README of {DISTRIBUTION})."
        )
    package = os.path.join(_SITE, "ovirtsdk4")
    foreign = _official_xml(package)
    if foreign is not None:
        return (
            f"{foreign} is a file of the official {OFFICIAL}, left\n"
            f"beside {DISTRIBUTION}, and it hides ovirtsdk4.xml. Remove it and reinstall:\n"
            f"    rm {foreign}\n"
            f"    {reinstall_ours}"
        )
    missing = [
        path
        for path in _recorded_files(ours)
        if path.startswith("ovirtsdk4/") and not os.path.exists(os.path.join(_SITE, path))
    ]
    if missing:
        return (
            f"{len(missing)} files of {DISTRIBUTION} are missing from {package}\n"
            f"(for example {missing[0]}), as after uninstalling {OFFICIAL} once both were\n"
            f"installed. Reinstall it:\n    {reinstall_ours}"
        )
    return None


def _show(exc_type, exc, tb, _previous=sys.excepthook):
    if isinstance(exc, InstallError):
        sys.stderr.write(f"error: {exc}\n")
    else:
        _previous(exc_type, exc, tb)


def fail(message):
    """Raises :class:`InstallError`; uncaught, it prints as ``error: message`` alone."""
    sys.excepthook = _show
    raise InstallError(message)


def check():
    """Raises :class:`InstallError` when this installation is broken (checked once)."""
    global _checked
    if _checked:
        return
    problem = _problem()
    if problem is not None:
        fail("ovirtsdk4 cannot be imported.\n" + problem)
    _checked = True


def unbuilt(package_dir):
    """Raises the error for a package ``ovirtsdk4`` whose compiled modules are not built for
    this Python, as in a source checkout."""
    version = "%d.%d" % sys.version_info[:2]
    checkout = os.path.dirname(os.path.dirname(package_dir))
    fail(
        f"ovirtsdk4 was imported from {os.path.dirname(package_dir)},\n"
        f"a source tree whose compiled modules are not built for this Python ({version}).\n"
        "Either build them in place (needs a C compiler, Cython and the libxml2 headers):\n"
        f"    cd {checkout} && {sys.executable} setup.py build_ext --inplace\n"
        "or run from a directory outside the source tree, so that the installed\n"
        f"{DISTRIBUTION} is imported (install it with: {_pip(f'install {DISTRIBUTION}')})."
    )


class _Finder:
    """Runs :func:`check` on each import of ``ovirtsdk4`` until it passes once, then leaves
    ``sys.meta_path``."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != "ovirtsdk4":
            return None
        check()
        try:
            sys.meta_path.remove(_Finder)
        except ValueError:
            pass
        return None


def install():
    """Puts the finder first on ``sys.meta_path`` (called by ``ovirtsdk4_fast.pth``)."""
    if _Finder not in sys.meta_path and "ovirtsdk4" not in sys.modules:
        sys.meta_path.insert(0, _Finder)

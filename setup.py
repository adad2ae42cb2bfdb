"""Build the Cython extensions (everything else, metadata and packages, is in pyproject.toml).

``ovirtsdk4._xml.core`` links libxml2; ``ovirtsdk4._xml.codec`` reaches libxml2 only through
core, so a process holds one libxml2 whether it is the system's shared library (a source build)
or a static copy inside core (a wheel, see packaging/build-wheels). ``ovirtsdk4._curl`` (the
transport's compiled part) links nothing: it calls pycurl's objects. The compiler and linker
flags of libxml2 come from ``pkg-config libxml-2.0``, or from ``xml2-config`` where pkg-config
does not know libxml2; they are looked up only when extensions are built, so making an sdist
needs neither. Before compiling, a probe checks the C compiler, the Python headers and the
libxml2 headers, and stops with one message that says what to install.
"""

import os
import shlex
import shutil
import subprocess
import tempfile

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

LINKS_LIBXML2 = "ovirtsdk4._xml.core"
# Installed at the top of site-packages: starts the install checks of _ovirtsdk4_fast.py.
PTH_NAME = "ovirtsdk4_fast.pth"
PTH_LINE = "import _ovirtsdk4_fast; _ovirtsdk4_fast.install()\n"

INSTALL_HINT = (
    "  Debian/Ubuntu: apt-get install gcc python3-dev libxml2-dev pkg-config\n"
    "  Fedora/EL:     dnf install gcc python3-devel libxml2-devel pkgconf\n"
    "or install a binary wheel, which needs neither: "
    "pip install --only-binary ovirtsdk4-fast ovirtsdk4-fast"
)


def _libxml2_flags():
    """libxml2's flags from pkg-config or xml2-config, or None."""
    queries = (
        ["pkg-config", "--cflags", "--libs", "libxml-2.0"],
        ["xml2-config", "--cflags", "--libs"],
    )
    for query in queries:
        if shutil.which(query[0]) is None:
            continue
        result = subprocess.run(query, capture_output=True, text=True)
        if result.returncode == 0:
            return shlex.split(result.stdout)
    return None


def _probe(compiler, include_dirs, header):
    """Compiles a file that includes Python.h and ``header``; the compiler's error or None."""
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "probe.c")
        with open(source, "w") as f:
            f.write(f"#include <Python.h>\n#include <{header}>\nint probe(void) {{ return 0; }}\n")
        try:
            compiler.compile([source], output_dir=tmp, include_dirs=include_dirs)
        except Exception as exc:
            return str(exc)
    return None


def _missing(compiler, flags, include_dirs):
    """What the build lacks, in words (empty when it can go on)."""
    missing = []
    command = compiler.compiler_so[0]
    if shutil.which(command) is None:
        missing.append(f"no C compiler ({command!r} is not installed)")
    elif _probe(compiler, include_dirs, "stddef.h") is not None:
        missing.append(f"{command!r} cannot compile against Python.h (no Python headers)")
    if flags is None:
        missing.append(
            "the libxml2 development files were not found "
            "(neither pkg-config nor xml2-config knows libxml-2.0)"
        )
    elif not missing:
        libxml2_includes = include_dirs + [f[2:] for f in flags if f.startswith("-I")]
        error = _probe(compiler, libxml2_includes, "libxml/xmlreader.h")
        if error is not None:
            missing.append(f"the libxml2 headers cannot be compiled against: {error}")
    return missing


class BuildPy(build_py):
    """Adds the ``.pth`` file to the top of the built tree, beside ``_ovirtsdk4_fast.py``."""

    def run(self):
        super().run()
        with open(os.path.join(self.build_lib, PTH_NAME), "w") as pth:
            pth.write(PTH_LINE)

    def get_outputs(self, include_bytecode=True):
        return [*super().get_outputs(include_bytecode), os.path.join(self.build_lib, PTH_NAME)]


class BuildExt(build_ext):
    """Adds libxml2's flags and checks the tool chain, then builds as setuptools does."""

    def build_extensions(self):
        flags = _libxml2_flags()
        missing = _missing(self.compiler, flags, list(self.include_dirs))
        if missing:
            raise SystemExit(
                "ovirtsdk4-fast cannot be built from source: "
                + "; ".join(missing)
                + f".\nInstall:\n{INSTALL_HINT}"
            )
        include_dirs = [flag[2:] for flag in flags if flag.startswith("-I")]
        for extension in self.extensions:
            extension.include_dirs.extend(include_dirs)
            if extension.name == LINKS_LIBXML2:
                extension.library_dirs.extend(f[2:] for f in flags if f.startswith("-L"))
                extension.libraries.extend(f[2:] for f in flags if f.startswith("-l"))
        super().build_extensions()


setup(
    ext_modules=[
        Extension("ovirtsdk4._xml.core", ["ovirtsdk4/_xml/core.pyx"]),
        Extension("ovirtsdk4._xml.codec", ["ovirtsdk4/_xml/codec.pyx"]),
        Extension("ovirtsdk4._curl", ["ovirtsdk4/_curl.pyx"]),
    ],
    cmdclass={"build_ext": BuildExt, "build_py": BuildPy},
    options={
        "build_ext": {
            "cython_c_in_temp": True,
            "cython_directives": {"language_level": "3"},
        }
    },
)

"""Build the Cython XML layer against the system libxml2.

Compiler and linker flags come from ``pkg-config libxml-2.0``, or from
``xml2-config`` where pkg-config does not know libxml2. Everything else
(metadata, packages) lives in pyproject.toml.
"""

import glob
import shlex
import shutil
import subprocess

from Cython.Build import cythonize
from setuptools import Extension, setup


def _libxml2_flags():
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
    raise SystemExit(
        "libxml2 development files not found: install libxml2-dev and pkg-config "
        "(Debian/Ubuntu) or libxml2-devel and pkgconf (Fedora/EL)"
    )


def _extensions():
    flags = _libxml2_flags()
    include_dirs = [flag[2:] for flag in flags if flag.startswith("-I")]
    library_dirs = [flag[2:] for flag in flags if flag.startswith("-L")]
    libraries = [flag[2:] for flag in flags if flag.startswith("-l")]
    extensions = [
        Extension(
            source[:-4].replace("/", "."),
            [source],
            include_dirs=include_dirs,
            library_dirs=library_dirs,
            libraries=libraries,
        )
        for source in sorted(glob.glob("ovirtsdk4/_xml/*.pyx"))
    ]
    return cythonize(extensions, compiler_directives={"language_level": "3"})


setup(ext_modules=_extensions())

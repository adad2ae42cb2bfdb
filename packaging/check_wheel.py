"""Checks a built wheel of ovirtsdk4-fast: ``python check_wheel.py WHEEL`` (needs pyelftools).

Fails (exit 1, one line per problem) unless the wheel is tagged manylinux2014_x86_64 and
holds: no C, .pyx or .pxd sources; the install check (``_ovirtsdk4_fast.py`` and its ``.pth``)
and the LICENSE; extension modules that export nothing but their ``PyInit_*``, carry no
RUNPATH or RPATH, are stripped, need no symbol version newer than GLIBC_2.17, leave no symbol
of the C library without a version (one the glibc 2.17 stubs did not know, such as ``stat64``,
which would fail to load on an old glibc), need no shared library beyond the C library's own,
and call no libxml2 function outside the static copy.
"""

import io
import re
import sys
import zipfile

from elftools.elf.dynamic import DynamicSection
from elftools.elf.elffile import ELFFile
from elftools.elf.gnuversions import GNUVerNeedSection, GNUVerSymSection

ALLOWED_NEEDED = {"libc.so.6", "libpthread.so.0", "libm.so.6", "libdl.so.2"}
MAX_GLIBC = (2, 17)


def check_extension(name, data):
    problems = []
    elf = ELFFile(io.BytesIO(data))
    module = name.rsplit("/", 1)[-1].split(".", 1)[0]
    if elf.get_section_by_name(".symtab") is not None:
        problems.append(f"{name}: not stripped (has .symtab)")
    if any(s.name.startswith(".debug") for s in elf.iter_sections()):
        problems.append(f"{name}: has debug sections")
    for section in elf.iter_sections():
        if isinstance(section, DynamicSection):
            for tag in section.iter_tags():
                if tag.entry.d_tag in ("DT_RPATH", "DT_RUNPATH"):
                    problems.append(f"{name}: {tag.entry.d_tag} {tag.runpath or tag.rpath}")
                if tag.entry.d_tag == "DT_NEEDED" and tag.needed not in ALLOWED_NEEDED:
                    problems.append(f"{name}: needs {tag.needed}")
        if isinstance(section, GNUVerNeedSection):
            for _, auxiliaries in section.iter_versions():
                for aux in auxiliaries:
                    found = re.fullmatch(r"GLIBC_(\d+)\.(\d+)(?:\.\d+)?", aux.name)
                    if found and tuple(map(int, found.groups())) > MAX_GLIBC:
                        problems.append(f"{name}: needs {aux.name}")
    dynsym = elf.get_section_by_name(".dynsym")
    exported = sorted(
        s.name
        for s in dynsym.iter_symbols()
        if s["st_shndx"] != "SHN_UNDEF" and s["st_info"]["bind"] in ("STB_GLOBAL", "STB_WEAK")
    )
    if exported != [f"PyInit_{module}"]:
        problems.append(f"{name}: exports {exported[:5]}{'...' if len(exported) > 5 else ''}")
    versions = elf.get_section_by_name(".gnu.version")
    unversioned = sorted(
        symbol.name
        for index, symbol in enumerate(dynsym.iter_symbols())
        if symbol.name
        and symbol["st_shndx"] == "SHN_UNDEF"
        and symbol["st_info"]["bind"] == "STB_GLOBAL"
        and not symbol.name.startswith(("Py", "_Py"))
        and (
            not isinstance(versions, GNUVerSymSection)
            or versions.get_symbol(index)["ndx"] in ("VER_NDX_GLOBAL", "VER_NDX_LOCAL")
        )
    )
    if unversioned:
        problems.append(f"{name}: C library symbols without a version: {unversioned[:5]}")
    undefined_xml = sorted(
        s.name
        for s in dynsym.iter_symbols()
        if s["st_shndx"] == "SHN_UNDEF" and s.name.startswith(("xml", "__xml"))
    )
    if undefined_xml:
        problems.append(f"{name}: calls libxml2 outside the static copy: {undefined_xml[:5]}")
    return problems


def check(path):
    problems = []
    if "manylinux2014_x86_64" not in path:
        problems.append(f"{path}: not tagged manylinux2014_x86_64")
    with zipfile.ZipFile(path) as wheel:
        names = wheel.namelist()
        for name in names:
            if name.endswith((".c", ".pyx", ".pxd")):
                problems.append(f"{name}: source file in the wheel")
        for required in ("_ovirtsdk4_fast.py", "ovirtsdk4_fast.pth"):
            if required not in names:
                problems.append(f"{required}: missing")
        if not any(n.endswith(".dist-info/licenses/LICENSE") for n in names):
            problems.append("LICENSE: missing from the .dist-info")
        extensions = [n for n in names if n.endswith(".so")]
        if sorted(n.split(".", 1)[0] for n in extensions) != [
            "ovirtsdk4/_curl",
            "ovirtsdk4/_xml/codec",
            "ovirtsdk4/_xml/core",
        ]:
            problems.append(f"extension modules: {extensions}")
        for name in extensions:
            problems.extend(check_extension(name, wheel.read(name)))
            print(f"  {name}: {wheel.getinfo(name).file_size // 1024} KiB")
    return problems


def main():
    path = sys.argv[1]
    problems = check(path)
    for problem in problems:
        print(f"check_wheel: {problem}", file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"check_wheel: {path.rsplit('/', 1)[-1]} ok")


if __name__ == "__main__":
    main()

"""``python -m codegen [--model PATH] [--output DIR] [--check]``.

Without ``--check`` it rewrites the generated files whose content changed. With ``--check`` it
writes nothing and exits 1, listing the files that differ from what the templates produce.
"""

import argparse
import sys
from pathlib import Path

from codegen.model import ModelError, load
from codegen.render import render_all

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = ROOT.parent / "shared" / "model" / "ovirt-api-model.json"


def differing(rendered, output):
    """The relative paths whose file under ``output`` is missing or differs."""
    stale = []
    for relative, text in sorted(rendered.items()):
        target = output / relative
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            stale.append(relative)
    return stale


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="the API model JSON")
    parser.add_argument("--templates", type=Path, default=ROOT / "templates")
    parser.add_argument("--output", type=Path, default=ROOT, help="root of the output tree")
    parser.add_argument("--check", action="store_true", help="fail if generated files are stale")
    args = parser.parse_args(argv)
    try:
        model = load(args.model)
    except (OSError, ValueError, ModelError) as error:
        print(f"codegen: cannot load the model: {error}", file=sys.stderr)
        return 2
    rendered = render_all(model, args.templates)
    stale = differing(rendered, args.output)
    if args.check:
        for relative in stale:
            print(f"stale: {relative}", file=sys.stderr)
        if stale:
            print("codegen: generated files differ; run `python -m codegen`", file=sys.stderr)
        return 1 if stale else 0
    for relative in stale:
        target = args.output / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(rendered[relative], encoding="utf-8")
        print(f"wrote {relative}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

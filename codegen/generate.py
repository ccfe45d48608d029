#!/usr/bin/env python3
"""cs2market code generator: schemas/<provider>.json (OpenAPI 3.1) -> include/cs2market/<provider>/generated/*.hpp
and docs/coverage.md.

Standard library only. Output is deterministic: the same schemas give the same
bytes. See schemas/README.md for the constructs and extensions it understands.

  python3 codegen/generate.py                 # regenerate in place
  python3 codegen/generate.py --out DIR       # write the include tree under DIR
  python3 codegen/generate.py --check         # exit 1 when committed output is stale, or when a
                                              # generated file has no schema behind it
"""
import argparse
import difflib
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cs2market_codegen import BANNER, ROOT, SchemaError, generate  # noqa: E402


def generated_on_disk(include_dir):
    """Every header under include_dir whose first line says it was generated."""
    found = []
    for dirpath, _, names in os.walk(include_dir):
        for n in names:
            if n.endswith((".hpp", ".ipp", ".h")):
                path = os.path.join(dirpath, n)
                with open(path, encoding="utf-8", errors="replace") as f:
                    if f.readline().startswith(BANNER):
                        found.append(path)
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--schemas", default=os.path.join(ROOT, "schemas"))
    ap.add_argument("--out", default=os.path.join(ROOT, "include"), help="include directory to write into")
    ap.add_argument("--docs", default=os.path.join(ROOT, "docs"), help="directory for coverage.md")
    ap.add_argument("--check", action="store_true", help="compare with --out instead of writing; exit 1 if stale")
    args = ap.parse_args()
    try:
        generated = generate(args.schemas)
    except SchemaError as e:
        print(f"codegen: {e}", file=sys.stderr)
        return 2
    # Map repository-relative names onto the chosen output directories.
    files = {}
    for rel, text in generated.items():
        top, rest = rel.split("/", 1)
        files[os.path.normpath(os.path.join(args.out if top == "include" else args.docs, rest))] = text
    orphans = sorted(os.path.relpath(p, ROOT) for p in generated_on_disk(args.out) if os.path.normpath(p) not in files)
    if args.check:
        stale = []
        for target, fresh in sorted(files.items()):
            rel = os.path.relpath(target, ROOT)
            old = open(target, encoding="utf-8").read() if os.path.exists(target) else ""
            if old != fresh:
                stale.append(rel)
                sys.stdout.writelines(difflib.unified_diff(
                    old.splitlines(True), fresh.splitlines(True), f"committed/{rel}", f"generated/{rel}", n=1))
        if stale:
            print(f"codegen: {len(stale)} generated file(s) are stale: {', '.join(stale)}", file=sys.stderr)
            print("codegen: run `python3 codegen/generate.py` (or the cs2market-codegen target) and commit", file=sys.stderr)
        if orphans:
            print(f"codegen: generated file(s) with no schema behind them: {', '.join(orphans)}", file=sys.stderr)
            print("codegen: delete them, or restore their schema", file=sys.stderr)
        if stale or orphans:
            return 1
        print(f"codegen: {len(files)} generated files are up to date")
        return 0
    for p, text in sorted(files.items()):
        os.makedirs(os.path.dirname(p), exist_ok=True)
        old = open(p, encoding="utf-8").read() if os.path.exists(p) else None
        if old != text:
            with open(p, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            print(f"codegen: wrote {os.path.relpath(p, ROOT)}")
    for rel in orphans:
        os.remove(os.path.join(ROOT, rel))
        print(f"codegen: removed {rel} (no schema behind it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

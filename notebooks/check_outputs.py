"""Fail when an executed notebook has an error output or writes to stderr.

gonb turns a Go panic, a compile error or a non-zero exit into text on the
stderr stream, and nbconvert exits 0 all the same; this reads the outputs.
"""
import sys

import nbformat

path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
bad = 0
for i, cell in enumerate(nb.cells):
    if cell.cell_type != "code":
        continue
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error" or (out.get("output_type") == "stream" and out.get("name") == "stderr"):
            bad += 1
            text = out.get("text") or "\n".join(out.get("traceback", []))
            print(f"{path}: cell {i}: {text.strip()[:2000]}", file=sys.stderr)
    if not cell.get("outputs") and "%%" in cell.source:
        bad += 1
        print(f"{path}: cell {i} printed nothing", file=sys.stderr)
print(f"{path}: {'FAIL' if bad else 'ok'} ({bad} error outputs)")
sys.exit(1 if bad else 0)

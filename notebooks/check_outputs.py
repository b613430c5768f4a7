"""Fail when a notebook has an error output, writes to stderr, or shows nothing.

gonb turns a Go panic, a compile error or a non-zero exit into text on the
stderr stream, and nbconvert exits 0 all the same; this reads the outputs.

Usage: check_outputs.py [--figure] [--committed] NOTEBOOK...

  --figure     also fail when no cell shows a figure (an image/png output):
               every lesson has at least one, and it is what GitHub shows.
  --committed  the notebook is the committed file, not a fresh execution:
               the messages say how to refresh it (bash notebooks/run.sh --write).

Always fails when a code cell with a %% body printed nothing, or when the
notebook has no outputs at all (committed without running it).
"""
import sys

import nbformat


def check(path, figure, committed):
    nb = nbformat.read(path, as_version=4)
    bad = []
    outputs = pngs = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        outs = cell.get("outputs", [])
        outputs += len(outs)
        for out in outs:
            kind = out.get("output_type")
            if kind == "error" or (kind == "stream" and out.get("name") == "stderr"):
                text = out.get("text") or "\n".join(out.get("traceback", []))
                bad.append(f"cell {i}: error output: {text.strip()[:2000]}")
            if kind in ("display_data", "execute_result") and "image/png" in out.get("data", {}):
                pngs += 1
        if not outs and "%%" in cell.source:
            bad.append(f"cell {i} printed nothing")
    hint = " (refresh the committed outputs: bash notebooks/run.sh --write)" if committed else ""
    if outputs == 0:
        bad.append("no outputs at all: the notebook was saved without running it" + hint)
    elif figure and pngs == 0:
        bad.append("no figure: no cell shows an image/png output" + hint)
    for b in bad:
        print(f"{path}: {b}", file=sys.stderr)
    what = "committed" if committed else "executed"
    print(f"{path}: {'FAIL' if bad else 'ok'} ({what}: {outputs} outputs, {pngs} figures, {len(bad)} problems)")
    return not bad


def main(argv):
    flags = {a for a in argv if a.startswith("--")}
    unknown = flags - {"--figure", "--committed"}
    paths = [a for a in argv if not a.startswith("--")]
    if unknown or not paths:
        print("usage: check_outputs.py [--figure] [--committed] NOTEBOOK...", file=sys.stderr)
        return 2
    ok = True
    for p in paths:
        try:
            ok &= check(p, "--figure" in flags, "--committed" in flags)
        except (OSError, ValueError) as e:  # unreadable or not a notebook
            print(f"{p}: cannot read the notebook: {e}", file=sys.stderr)
            return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

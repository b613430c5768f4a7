#!/usr/bin/env bash
# Executes every notebook in this folder with the gonb kernel and fails if
# any cell wrote an error, or if a notebook shows no figure. gonb reports a
# panic or a failed build only as text on stderr and nbconvert still exits 0,
# so the executed outputs are read back and checked (check_outputs.py).
#
# Usage:
#   bash notebooks/run.sh                 execute every notebook into a temporary folder and check it
#   bash notebooks/run.sh --write         the same, then write the executed notebooks back in place
#                                         (how the committed outputs are refreshed)
#   bash notebooks/run.sh [--write] NAME  only notebooks/NAME.ipynb (NAME with or without .ipynb)
#   bash notebooks/run.sh --committed     check the committed outputs without executing anything
# With KEEP_EXECUTED=DIR the executed notebooks are also copied into DIR.
#
# Needs Jupyter's nbconvert and nbclient with a python that can import
# nbformat (Debian: jupyter-nbconvert python3-nbclient jupyter-client
# python3-nbformat; or pip install nbconvert nbclient nbformat). Both are
# found on PATH. Builds gonb v0.11.3 and goimports from the tools module here
# into $(go env GOPATH)/bin and installs the gonb kernel into
# ~/.local/share/jupyter; nothing else is installed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

write=0
committed=0
names=()
for a in "$@"; do
  case "$a" in
    --write) write=1 ;;
    --committed) committed=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run.sh: unknown flag $a (flags: --write, --committed)" >&2; exit 2 ;;
    *) n="${a%.ipynb}"; n="$(basename "$n")"
       [ -f "$here/$n.ipynb" ] || { echo "run.sh: no notebook $here/$n.ipynb" >&2; exit 2; }
       names+=("$n") ;;
  esac
done
if [ ${#names[@]} -eq 0 ]; then
  for nb in "$here"/*.ipynb; do names+=("$(basename "$nb" .ipynb)"); done
fi

# A python that can import nbformat: the one next to jupyter first (pip and
# Debian both install jupyter beside its python), then the python3s on PATH
# in order, then Debian's. A pyenv python3 without Jupyter may come first on
# PATH, so the first python3 is not enough.
find_python() {
  local cands=() j
  if j="$(command -v jupyter 2>/dev/null)"; then
    cands+=("$(dirname "$j")/python3" "$(dirname "$j")/python")
    # the interpreter named on jupyter's #! line
    local shebang; shebang="$(head -1 "$j" 2>/dev/null | sed -n 's/^#! *//p' | awk '{print $1}')"
    [ -n "$shebang" ] && cands+=("$shebang")
  fi
  local IFS=:
  for d in $PATH; do cands+=("$d/python3"); done
  cands+=(/usr/bin/python3 /usr/local/bin/python3)
  for p in "${cands[@]}"; do
    [ -x "$p" ] || continue
    if "$p" -c 'import nbformat' >/dev/null 2>&1; then echo "$p"; return 0; fi
  done
  return 1
}
python="$(find_python)" || {
  echo "run.sh: no python on PATH can import nbformat. Install Jupyter: on Debian/Ubuntu" >&2
  echo "  sudo apt-get install jupyter-nbconvert python3-nbclient jupyter-client python3-nbformat" >&2
  echo "or in a virtualenv: pip install nbconvert nbclient nbformat jupyter-client" >&2
  exit 2
}

if [ $committed -eq 1 ]; then
  status=0
  for n in "${names[@]}"; do "$python" "$here/check_outputs.py" --figure --committed "$here/$n.ipynb" || status=1; done
  exit $status
fi

jupyter="$(command -v jupyter 2>/dev/null || true)"
if [ -z "$jupyter" ] || ! "$jupyter" nbconvert --version >/dev/null 2>&1; then
  echo "run.sh: no 'jupyter nbconvert' on PATH. Install it: on Debian/Ubuntu" >&2
  echo "  sudo apt-get install jupyter-nbconvert python3-nbclient jupyter-client python3-nbformat" >&2
  echo "or in a virtualenv: pip install nbconvert nbclient jupyter-client" >&2
  exit 2
fi

bin="$(go env GOPATH)/bin"
mkdir -p "$bin"
export PATH="$bin:$PATH"
(cd "$here/tools" && go build -o "$bin/gonb" github.com/janpfeifer/gonb && go build -o "$bin/goimports" golang.org/x/tools/cmd/goimports)
gonb --install --force_deps >/dev/null 2>&1 || gonb --install --force_deps

out="$(mktemp -d "${TMPDIR:-/tmp}/backproof-notebooks.XXXXXX")"
trap 'rm -rf "$out"' EXIT

status=0
start=$SECONDS
for n in "${names[@]}"; do
  t0=$SECONDS
  echo "== $n.ipynb"
  # The committed notebook must carry its outputs and figures (GitHub shows
  # them without running anything); --write is how they are refreshed.
  if [ $write -eq 0 ]; then
    "$python" "$here/check_outputs.py" --figure --committed "$here/$n.ipynb" || status=1
  fi
  "$jupyter" nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 \
    --ExecutePreprocessor.kernel_name=gonb --output-dir "$out" "$here/$n.ipynb" >"$out/$n.log" 2>&1 || {
    # gonb logs a compile error's file:line:col lines before nbconvert's
    # traceback; show them first, then the failing cell.
    grep -E '\.go:[0-9]+:[0-9]+: ' "$out/$n.log" | head -20 || true
    tail -20 "$out/$n.log"; status=1; continue; }
  [ -n "${KEEP_EXECUTED:-}" ] && cp "$out/$n.ipynb" "$KEEP_EXECUTED/"
  if "$python" "$here/check_outputs.py" --figure "$out/$n.ipynb"; then
    if [ $write -eq 1 ]; then cp "$out/$n.ipynb" "$here/$n.ipynb"; echo "   written back to notebooks/$n.ipynb"; fi
  else
    status=1
    [ $write -eq 1 ] && echo "   not written back: fix the errors first" >&2
  fi
  echo "   $((SECONDS - t0)) s"
done
echo "== all notebooks: $((SECONDS - start)) s"
exit $status

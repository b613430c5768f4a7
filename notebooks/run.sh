#!/usr/bin/env bash
# Executes every notebook in this folder with the gonb kernel and fails if
# any cell wrote an error. gonb reports a panic or a failed build only as
# text on stderr and nbconvert still exits 0, so the executed outputs are
# read back and checked (check_outputs.py).
#
# Needs Debian's jupyter-nbconvert python3-nbclient jupyter-client
# python3-nbformat (.ci/run installs them). Builds gonb v0.11.3 and goimports
# from the tools module here; nothing is installed outside ~/.local/share/jupyter
# and $GOBIN.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$(go env GOPATH)/bin"
mkdir -p "$bin"
export PATH="$bin:$PATH"

(cd "$here/tools" && go build -o "$bin/gonb" github.com/janpfeifer/gonb && go build -o "$bin/goimports" golang.org/x/tools/cmd/goimports)
gonb --install --force_deps >/dev/null 2>&1 || gonb --install --force_deps

out="$(mktemp -d)"
status=0
for nb in "$here"/*.ipynb; do
  name="$(basename "$nb")"
  echo "== $name"
  /usr/bin/jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 \
    --ExecutePreprocessor.kernel_name=gonb --output-dir "$out" "$nb" >"$out/$name.log" 2>&1 || {
    tail -20 "$out/$name.log"; status=1; continue; }
  /usr/bin/python3 "$here/check_outputs.py" "$out/$name" || status=1
done
exit $status

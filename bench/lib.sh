# bench/lib.sh: what the bench scripts share. Sourced, not run:
#   . "$(dirname "$0")/lib.sh"
# Sets root (the checkout), python (PYTHON, default Debian's /usr/bin/python3,
# not a pyenv shim first on PATH) and work (a temporary folder removed on
# exit), and prints the machine line every measurement starts with.

root=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# field NAME FILE: a number from a one-line JSON object: the last
# occurrence of "NAME": in it (sed's leading .* is greedy), which for a
# training record is the top level's "seconds", after the epochs' own.
field() { sed -n "s/.*\"$1\": *\([-0-9.eE+]*\).*/\1/p" "$2" | head -n 1; }

# best SECONDS...: the smallest.
best() { printf '%s\n' "$@" | sort -g | head -n 1; }

# ratio A B [DIGITS]: A / B printed with DIGITS decimals (default 1).
ratio() { awk -v a="$1" -v b="$2" -v d="${3:-1}" 'BEGIN { printf "%.*f", d, a / b }'; }

echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), $(go version | cut -d' ' -f3-)"

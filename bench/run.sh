#!/bin/sh
# bench/run.sh: time `backproof check` on issue #5's problem against its
# peers, and print the ratios. Run from anywhere: sh bench/run.sh
#
# The problem is Nielsen's [784, 30, 10] sigmoid network, N(0,1) weights,
# quadratic cost with R = 1/m, on the first 10 MNIST training images: every
# one of its 23,860 parameters checked entry by entry by central differences
# (47,720 cost evaluations). backproof times itself (the "seconds" of its
# JSON: the check, not the loading of MNIST); each peer times its own check.
#
# Peers run only when Debian's python3 has what they need (apt-get install
# python3-torch python3-numpy); they are written in bench/peers/ in a few
# lines each and take the very problem backproof checks, written by
# `backproof check --save`. To add a peer: write bench/peers/NAME.py that
# reads the problem file and prints one JSON object with "seconds", and add
# a `peer NAME "description"` line at the end of this file.
#
# Environment: PYTHON (default /usr/bin/python3, not a pyenv shim first on
# PATH), REPEAT (default 5: backproof's fast runs, the best one counts),
# GENERIC=0 to skip the generic path (about 5 s), ONLY=dense for the
# dense-input lines alone (no MNIST, about 15 s), BACKPROOF_MNIST as for
# backproof itself.
set -eu

. "$(dirname "$0")/lib.sh"
repeat=${REPEAT:-5}
(cd "$root" && go build -o "$work/backproof" ./cmd/backproof)

# checked CMD...: run a check whose verdict may be a mismatch or "cannot
# tell" (exit status 1: its JSON is still written); stop on anything else.
checked() { "$@" || [ $? -eq 1 ]; }


# timed NAME ARGS...: `backproof check ARGS --json` REPEAT times; runs
# lists their seconds and $work/NAME.json keeps the last report.
timed() {
	name=$1
	shift
	runs=""
	for _ in $(seq "$repeat"); do
		"$work/backproof" check "$@" --json > "$work/$name.json"
		runs="$runs $(field seconds "$work/$name.json")"
	done
}

if [ "${ONLY:-}" != dense ]; then
	problem="--net 784,30,10 --batch 10 --data mnist --init normal"
	"$work/backproof" check $problem --save "$work/problem.json" --json > "$work/fast.json"

	timed fast $problem
	fast=$(best $runs)
	value=$(field value "$work/fast.json")
	printf '%-44s %10.4f s   (best of %d: %s)\n' "backproof check, layered fast path" "$fast" "$repeat" "$runs"

	for m in complex-step five-point richardson; do
		checked "$work/backproof" check $problem --method $m --json > "$work/$m.json"
		printf '%-44s %10.4f s\n' "backproof check --method $m" "$(field seconds "$work/$m.json")"
	done
	checked "$work/backproof" check $problem --method directional --json > "$work/directional.json"
	printf '%-44s %10.4f s\n' "backproof check --method directional (8)" "$(field seconds "$work/directional.json")"


	if [ "${GENERIC:-1}" != 0 ]; then
		checked "$work/backproof" check $problem --generic --json > "$work/generic.json"
		generic=$(field seconds "$work/generic.json")
		printf '%-44s %10.4f s   generic / fast = %s\n' "backproof check --generic (fd, whole net)" "$generic" "$(ratio "$generic" "$fast" 0)"
	fi

	# peer NAME DESCRIPTION: run bench/peers/NAME.py on the problem if its
	# imports are there, and print its time and its ratio to the fast path.
	peer() {
		if ! "$python" -c "import torch, numpy" 2>/dev/null; then
			printf '%-44s   skipped: %s lacks torch or numpy (apt-get install python3-torch python3-numpy)\n' "$2" "$python"
			return
		fi
		"$python" "$root/bench/peers/$1.py" "$work/problem.json" > "$work/$1.json"
		s=$(field seconds "$work/$1.json")
		printf '%-44s %10.4f s   %s / backproof = %s   (C = %s; backproof C = %s)\n' "$2" "$s" "$1" "$(ratio "$s" "$fast" 0)" "$(field value "$work/$1.json")" "$value"
	}

	peer gradcheck "torch.autograd.gradcheck, slow, 1 thread"
fi

# The dense check: the same network on a batch of 10 dense N(0,1) inputs
# (`--data random`, the default), where no example can be skipped for a
# zero input (MNIST's blank pixels skip about four in five). The ratio
# asked for is at most 0.002 of gradcheck.
dense="--net 784,30,10 --batch 10 --init normal"
"$work/backproof" check $dense --save "$work/dense.json" --json > "$work/dfast.json"
timed dfast $dense
dfast=$(best $runs)
printf '%-44s %10.4f s   (best of %d: %s)\n' "backproof check, dense inputs" "$dfast" "$repeat" "$runs"
if "$python" -c "import torch, numpy" 2>/dev/null; then
	"$python" "$root/bench/peers/gradcheck.py" "$work/dense.json" > "$work/dtorch.json"
	s=$(field seconds "$work/dtorch.json")
	printf '%-44s %10.4f s   backproof / gradcheck = %s   (C = %s; backproof C = %s)\n' "torch gradcheck, dense inputs" "$s" "$(ratio "$dfast" "$s" 4)" "$(field value "$work/dtorch.json")" "$(field value "$work/dfast.json")"
fi

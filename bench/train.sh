#!/bin/sh
# bench/train.sh: time one MNIST training epoch in each convention against a
# vectorized numpy epoch, in one run, and print the ratios. Run from
# anywhere: sh bench/train.sh
#
# The epoch is Nielsen's chapter 1 run: [784, 30, 10] sigmoid, quadratic
# cost averaged over the batch (R = 1/m), N(0,1) weights, mini-batches of
# 10, eta 3, over the 50,000 MNIST training images, shuffled. backproof's
# side is `go test -bench BenchmarkEpoch ./train` (train/bench_test.go: the
# 5,000 steps and the shuffle, no measuring); the peer is
# bench/peers/numpy_epoch.py, the same epoch in a few lines of numpy in the
# row layout, which times itself (the best of REPEAT epochs).
#
# Two more ratios of issue 12, in the same run: measuring one epoch
# (BenchmarkMeasureEpoch: everything `backproof train` prints by default —
# cost and accuracy on the 50,000 training, 10,000 validation and 10,000
# test images, gradient norms, saturation) against training one
# (BenchmarkEpochRow); and the chapter 1 run, `backproof train --epochs
# 30 --json` (30 epochs, every one measured; its "seconds", the run
# without loading MNIST; the best of CHAPTER1_RUNS, default 3), against 30
# numpy epochs (30 × the best one), and what the measuring adds to that
# run beyond 30 row epochs.
#
# Environment: PYTHON (default /usr/bin/python3, not a pyenv shim first on
# PATH), BENCHTIME (default 3x: epochs per Go benchmark), REPEAT (default 3:
# numpy epochs, the best one counts), ONE_THREAD=0 to skip the numpy run
# pinned to one BLAS thread, CHAPTER1=0 to skip the 30-epoch run,
# BACKPROOF_MNIST as for backproof itself.
set -eu

. "$(dirname "$0")/lib.sh"
benchtime=${BENCHTIME:-3x}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

(cd "$root" && go test -run '^$' -bench 'BenchmarkEpoch(Row|Column|PerExample)$|BenchmarkMeasureEpoch$' -benchtime "$benchtime" ./train) > "$work/go.txt"
grep '^Benchmark' "$work/go.txt" | sed 's/^/    /'
# seconds CONVENTION: BenchmarkEpochCONVENTION's ns/op, in seconds.
seconds() { awk -v b="^BenchmarkEpoch$1(-[0-9]+)?\$" '$1 ~ b { printf "%.4f", $3 / 1e9 }' "$work/go.txt"; }
row=$(seconds Row)
column=$(seconds Column)
perex=$(seconds PerExample)
if [ -z "$row" ]; then
	cat "$work/go.txt"
	echo "no benchmark result: is MNIST there?" >&2
	exit 1
fi
measure=$(awk '$1 ~ /^BenchmarkMeasureEpoch(-[0-9]+)?$/ { printf "%.4f", $3 / 1e9 }' "$work/go.txt")
printf '%-40s %8s s\n' "backproof row" "$row" "backproof column" "$column" "backproof per-example" "$perex" "backproof measuring one epoch" "$measure"
printf '    measuring / row epoch:  %s\n' "$(ratio "$measure" "$row" 3)"

# numpy [ENV...]: run the peer with the BLAS core-type hints some CPUs set
# removed (for this command only) and the given environment; its JSON goes
# to $work/numpy.json.
numpy() {
	set -- env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$@" "$python" "$root/bench/peers/numpy_epoch.py"
	if [ -n "${BACKPROOF_MNIST:-}" ]; then
		set -- "$@" "$BACKPROOF_MNIST"
	fi
	(cd "$root" && "$@") > "$work/numpy.json"
}

if ! "$python" -c "import numpy" 2>/dev/null; then
	echo "numpy peer skipped: $python lacks numpy (apt-get install python3-numpy)"
	exit 0
fi

report() {
	np=$(field seconds "$work/numpy.json")
	printf '%-40s %8.4f s   runs %s\n' "numpy epoch, $1" "$np" "$(sed -n 's/.*"runs": \(\[[^]]*\]\).*/\1/p' "$work/numpy.json")"
	printf '    numpy / backproof:  row %s   column %s   per-example %s\n' \
		"$(ratio "$np" "$row")" "$(ratio "$np" "$column")" "$(ratio "$np" "$perex")"
}

if [ "${CHAPTER1:-1}" != 0 ]; then
	(cd "$root" && go build -o "$work/backproof" ./cmd/backproof)
	runs=""
	for _ in $(seq "${CHAPTER1_RUNS:-3}"); do
		"$work/backproof" train --epochs 30 --json > "$work/chapter1.json"
		runs="$runs $(field seconds "$work/chapter1.json")"
	done
	chapter1=$(best $runs)
	printf '%-40s %8.2f s   (best of:%s)   final test accuracy %s\n' "backproof train --epochs 30" "$chapter1" "$runs" "$(field final_test_accuracy "$work/chapter1.json")"
	# What the 31 measurings add to the run, beyond 30 training epochs
	# timed alone: epoch k is measured while epoch k+1 trains.
	added=$(awk -v c="$chapter1" -v r="$row" 'BEGIN { printf "%.3f", c - 30 * r }')
	printf '    measuring in the run: %s s beyond 30 x %s s of training = %s of training\n' "$added" "$row" "$(ratio "$added" "$(awk -v r="$row" 'BEGIN { print 30 * r }')" 3)"
fi

numpy
echo "numpy $(sed -n 's/.*"numpy": "\([^"]*\)".*/\1/p' "$work/numpy.json"), BLAS: $(sed -n 's/.*"blas": \(\[[^]]*\]\|"[^"]*"\).*/\1/p' "$work/numpy.json")"
report "default threads"
if [ -n "${chapter1:-}" ]; then
	printf '    backproof train --epochs 30 / (30 numpy epochs):  %s\n' "$(ratio "$chapter1" "$(awk -v s="$np" 'BEGIN { print 30 * s }')" 3)"
fi
if [ "${ONE_THREAD:-1}" != 0 ]; then
	numpy OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
	report "1 BLAS thread"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

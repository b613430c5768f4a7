#!/bin/sh
# bench/scaling.sh: how the time grows with the network, beside numpy and
# torch measured in the same run, and the log–log figure of it. Run from
# anywhere: sh bench/scaling.sh
#
# Epochs: [784, n, 10] for n = 30, 100, 300, 1000, Nielsen's chapter 1
# settings otherwise (sigmoid, quadratic cost, mean, batch 10, eta 3) on
# the 50,000 MNIST training images: backproof's training epoch and its
# measuring after an epoch (`go test -bench 'EpochWidth|MeasureWidth'
# ./train`), and bench/peers/numpy_epoch.py with HIDDEN=n (the best of
# REPEAT epochs).
#
# Checks: the entry-by-entry central check of [784, n, 10] on a batch of 10
# dense N(0,1) inputs (`backproof check --net 784,n,10 --batch 10 --init
# normal --json`, its "seconds"), from 23,860 to 795,010 parameters, and
# torch.autograd.gradcheck in slow mode on the same problem for n up to
# TORCH_MAX (default 100: at n = 300 it takes minutes). Beyond, the
# directional check (8 directions) of [784, n, n, 10] for n = 1000 and 2000
# (1.8 and 5.6 million parameters).
#
# Prints a table, each slope (least squares in log–log), and with FIGURE
# set draws the figure there (FIGURE=docs/img/scaling.png to refresh the
# docs) and with TSV set keeps the measurements there. Environment:
# PYTHON, REPEAT (default 1), TORCH_MAX, FIGURE, TSV, BACKPROOF_MNIST.
set -eu

. "$(dirname "$0")/lib.sh"
repeat=${REPEAT:-1}
torch_max=${TORCH_MAX:-100}
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
tsv="$work/scaling.tsv"
: > "$tsv"

# add PANEL SERIES SIZE SECONDS: one measurement, printed and kept.
add() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$tsv"
	printf '  %-7s %-34s %10s  %10.4f s\n' "$1" "$2" "$3" "$4"
}

(cd "$root" && go build -o "$work/backproof" ./cmd/backproof)
# checked CMD...: run a check whose verdict may be a mismatch or "cannot
# tell" (exit status 1: its JSON is still written); stop on anything else.
checked() { "$@" || [ $? -eq 1 ]; }
have_numpy=1
"$python" -c "import numpy" 2>/dev/null || have_numpy=0
have_torch=1
"$python" -c "import torch, numpy" 2>/dev/null || have_torch=0

echo "epochs, [784, n, 10] on 50,000 MNIST images:"
(cd "$root" && go test -run '^$' -bench 'EpochWidth|MeasureWidth' -benchtime 1x ./train) > "$work/go.txt"
for n in 30 100 300 1000; do
	s=$(awk -v b="^BenchmarkEpochWidth/hidden=$n(-[0-9]+)?\$" '$1 ~ b { printf "%.4f", $3 / 1e9 }' "$work/go.txt")
	if [ -z "$s" ]; then
		cat "$work/go.txt"
		echo "no benchmark result: is MNIST there?" >&2
		exit 1
	fi
	add epoch "backproof epoch" "$n" "$s"
	s=$(awk -v b="^BenchmarkMeasureWidth/hidden=$n(-[0-9]+)?\$" '$1 ~ b { printf "%.4f", $3 / 1e9 }' "$work/go.txt")
	add epoch "backproof measuring" "$n" "$s"
	if [ "$have_numpy" = 1 ]; then
		set -- env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE HIDDEN="$n" REPEAT="$repeat" "$python" "$root/bench/peers/numpy_epoch.py"
		if [ -n "${BACKPROOF_MNIST:-}" ]; then
			set -- "$@" "$BACKPROOF_MNIST"
		fi
		(cd "$root" && "$@") > "$work/numpy.json"
		add epoch "numpy epoch" "$n" "$(field seconds "$work/numpy.json")"
	fi
done

echo "checks, batch of 10 dense N(0,1) inputs:"
for n in 30 100 300 1000; do
	params=$((784 * n + n + n * 10 + 10))
	"$work/backproof" check --net "784,$n,10" --batch 10 --init normal --save "$work/p$n.json" --json > "$work/c$n.json"
	add check "backproof check" "$params" "$(field seconds "$work/c$n.json")"
	if [ "$have_torch" = 1 ] && [ "$n" -le "$torch_max" ]; then
		"$python" "$root/bench/peers/gradcheck.py" "$work/p$n.json" > "$work/t$n.json"
		add check "torch gradcheck (slow)" "$params" "$(field seconds "$work/t$n.json")"
	fi
done
for n in 1000 2000; do
	params=$((784 * n + n + n * n + n + n * 10 + 10))
	checked "$work/backproof" check --net "784,$n,$n,10" --batch 10 --init normal --method directional --max-memory 16GiB --json > "$work/d$n.json"
	add check "backproof directional" "$params" "$(field seconds "$work/d$n.json")"
done

echo "slopes (least squares of log seconds against log size):"
awk -F '\t' '{ k = $1 "\t" $2; n[k]++; x = log($3); y = log($4)
	sx[k] += x; sy[k] += y; sxx[k] += x * x; sxy[k] += x * y }
	END { for (k in n) if (n[k] > 1) { split(k, p, "\t")
		printf "  %-7s %-34s %.2f\n", p[1], p[2], (n[k] * sxy[k] - sx[k] * sy[k]) / (n[k] * sxx[k] - sx[k] * sx[k]) } }' "$tsv" | sort

echo "ratios at the book's size (n = 30) and the largest torch size:"
pick() { awk -F '\t' -v p="$1" -v s="$2" -v z="$3" '$1 == p && $2 == s && $3 == z { print $4 }' "$tsv"; }
for n in 30 1000; do
	e=$(pick epoch "backproof epoch" "$n")
	m=$(pick epoch "backproof measuring" "$n")
	np=$(pick epoch "numpy epoch" "$n")
	printf '  n = %-5s measuring / epoch %s' "$n" "$(ratio "$m" "$e" 2)"
	[ -n "$np" ] && printf '   numpy epoch / backproof epoch %s' "$(ratio "$np" "$e" 1)"
	echo
done
for n in 30 "$torch_max"; do
	params=$((784 * n + n + n * 10 + 10))
	t=$(pick check "torch gradcheck (slow)" "$params")
	c=$(pick check "backproof check" "$params")
	[ -n "$t" ] && printf '  %s parameters: backproof check / torch gradcheck = %s\n' "$params" "$(ratio "$c" "$t" 4)"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

if [ -n "${FIGURE:-}" ]; then
	case "$FIGURE" in /*) out=$FIGURE ;; *) out="$PWD/$FIGURE" ;; esac
	(cd "$root" && go run ./bench/scalingplot -o "$out") < "$tsv"
	echo "figure: $FIGURE"
fi
if [ -n "${TSV:-}" ]; then
	cp "$tsv" "$TSV"
fi

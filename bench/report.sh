#!/bin/sh
# bench/report.sh: time `backproof report` (quick) and `backproof report
# --full` against `backproof train --epochs 30`, the chapter 1 run, in one
# run, and print the ratios. Run from anywhere: sh bench/report.sh
#
# Each command is timed whole, as a user runs it (MNIST loaded, figures
# written): the wall time, the CPU time (user + system, both cores) and
# the peak memory (resident set).
# The chapter 1 run is timed before and after the reports, and the best
# of its runs is the divisor, so that a machine busier during one of them
# does not flatter the ratio. The goals: the quick report at most 2 times
# the chapter 1 run, the full report at most 10 times.
#
# bench/reportparts prints where the experiments' time goes, part by part
# (go run ./bench/reportparts).
#
# Environment: TRAIN_RUNS (default 2: chapter 1 runs before the reports,
# and as many after), FULL=0 to skip the full report (minutes),
# BACKPROOF_MNIST as for backproof itself.
set -eu

. "$(dirname "$0")/lib.sh"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
(cd "$root" && go build -o "$work/backproof" ./cmd/backproof)

# timed NAME ARGS...: runs backproof ARGS, prints NAME, wall and CPU
# seconds, and sets wall and cpu.
timed() {
	name=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$work/time" "$work/backproof" "$@" > "$work/out" 2> "$work/err" || {
		cat "$work/err" >&2
		exit 1
	}
	wall=$(awk '{ print $1 }' "$work/time")
	cpu=$(awk '{ print $2 + $3 }' "$work/time")
	printf '%-34s %8.2f s wall %8.2f s CPU %6.0f MB\n' "$name" "$wall" "$cpu" "$(awk '{ print $4 / 1024 }' "$work/time")"
}

walls=""
cpus=""
train() {
	for _ in $(seq "${TRAIN_RUNS:-2}"); do
		timed "train --epochs 30" train --epochs 30
		walls="$walls $wall"
		cpus="$cpus $cpu"
	done
}

train
timed "report (quick)" report --out "$work/quick"
quick_wall=$wall
quick_cpu=$cpu
if [ "${FULL:-1}" != 0 ]; then
	timed "report --full" report --full --out "$work/full"
	full_wall=$wall
	full_cpu=$cpu
	sed 's/^/    /' "$work/err"
fi
train

train_wall=$(best $walls)
train_cpu=$(best $cpus)
printf 'train --epochs 30, best: %s s wall, %s s CPU\n' "$train_wall" "$train_cpu"
printf 'quick report / train:  wall %s (goal at most 2)   CPU %s\n' \
	"$(ratio "$quick_wall" "$train_wall" 2)" "$(ratio "$quick_cpu" "$train_cpu" 2)"
if [ -n "${full_wall:-}" ]; then
	printf 'full report / train:   wall %s (goal at most 10)  CPU %s\n' \
		"$(ratio "$full_wall" "$train_wall" 2)" "$(ratio "$full_cpu" "$train_cpu" 2)"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

// Command scalingplot draws docs/img/scaling.png from the measurements
// bench/scaling.sh writes: one line per measurement,
//
//	PANEL<TAB>SERIES<TAB>SIZE<TAB>SECONDS
//
// with PANEL "epoch" (SIZE the hidden width) or "check" (SIZE the number
// of parameters), in the order measured. Series named after backproof,
// numpy and torch get those programs' colours; a series whose name
// contains "directional" or "measuring" is dashed.
//
//	go run ./bench/scalingplot -o docs/img/scaling.png < measurements.tsv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"github.com/backproof/backproof/outfile"
	"os"
	"strconv"
	"strings"

	"github.com/backproof/backproof/plots"
)

func main() {
	out := flag.String("o", "scaling.png", "the PNG file to write")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "scalingplot:", err)
		os.Exit(2)
	}
}

func run(out string) error {
	panels := []plots.ScalingPanel{
		{Title: "one training epoch, [784, n, 10], 50,000 MNIST images", XLabel: "hidden units n"},
		{Title: "entry-by-entry check, batch of 10 dense inputs", XLabel: "parameters"},
	}
	index := map[string]int{"epoch": 0, "check": 1}
	sc := bufio.NewScanner(os.Stdin)
	for line := 1; sc.Scan(); line++ {
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 4 {
			return fmt.Errorf("stdin line %d: want PANEL, SERIES, SIZE, SECONDS separated by tabs, got %q", line, sc.Text())
		}
		p, ok := index[f[0]]
		if !ok {
			return fmt.Errorf("stdin line %d: panel %q: want epoch or check", line, f[0])
		}
		size, err1 := strconv.ParseFloat(f[2], 64)
		secs, err2 := strconv.ParseFloat(f[3], 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("stdin line %d: size %q and seconds %q must be numbers", line, f[2], f[3])
		}
		series := &panels[p].Series
		k := -1
		for i, s := range *series {
			if s.Name == f[1] {
				k = i
			}
		}
		if k < 0 {
			*series = append(*series, plots.ScalingSeries{Name: f[1], Style: style(f[1]),
				Dashed: strings.Contains(f[1], "directional") || strings.Contains(f[1], "measuring")})
			k = len(*series) - 1
		}
		s := &(*series)[k]
		s.Sizes, s.Seconds = append(s.Sizes, size), append(s.Seconds, secs)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	png, err := plots.Scaling(panels)
	if err != nil {
		return err
	}
	// Staged beside the figure and renamed in: a failed or interrupted
	// write leaves the old figure whole.
	return outfile.WriteFile(out, png)
}

// style is a series' colour: backproof 0 (its directional check 3), numpy
// 1, torch 2.
func style(name string) int {
	switch {
	case strings.Contains(name, "numpy"):
		return 1
	case strings.Contains(name, "torch"):
		return 2
	case strings.Contains(name, "directional"):
		return 3
	}
	return 0
}

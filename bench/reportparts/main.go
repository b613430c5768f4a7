// Command reportparts times the report's experiments part by part against
// the chapter 1 run, in one process, and prints a Markdown table: each
// part's jobs' seconds (added up over the workers, so that the parts add
// up to about twice the wall time on two cores) and what each costs
// against one chapter 1 run (train.Run with Nielsen's settings, 30 epochs,
// measured on the training, validation and test sets, as `backproof train
// --epochs 30` runs it). MNIST loading and the figures are left out: see
// bench/report.sh for the commands whole.
//
//	go run ./bench/reportparts [-quick] [-cpuprofile file]
//
// -cpuprofile writes a CPU profile of the report's experiments alone (not
// the chapter 1 runs) for go tool pprof.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"runtime/pprof"
	"time"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/experiments"
	"github.com/backproof/backproof/train"
)

func main() {
	quick := flag.Bool("quick", false, "time the quick report instead of the full one")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the report's experiments to this file")
	flag.Parse()
	dir, err := data.MNISTDir()
	if err != nil {
		log.Fatal(err)
	}
	tr, va, te, err := data.LoadMNIST(dir, data.Unit)
	if err != nil {
		log.Fatal(err)
	}
	chapter1 := func() float64 {
		start := time.Now()
		if _, err := train.Run(train.Config{Data: "mnist", Epochs: 30}, tr, va, te, nil); err != nil {
			log.Fatal(err)
		}
		return time.Since(start).Seconds()
	}
	before := chapter1()
	s := experiments.FullReport()
	if *quick {
		s = experiments.QuickReport()
	}
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
	}
	start := time.Now()
	r, err := experiments.RunReport(experiments.Sets{Train: tr, Validation: va, Test: te}, s, nil)
	if err != nil {
		log.Fatal(err)
	}
	wall := time.Since(start).Seconds()
	if *profile != "" {
		pprof.StopCPUProfile()
	}
	after := chapter1()
	one := min(before, after)
	w := os.Stdout
	fmt.Fprintf(w, "chapter 1 run: %.2f s before, %.2f s after; the smaller is one run below\n\n", before, after)
	fmt.Fprintf(w, "| %s report, part | jobs | seconds | chapter 1 runs |\n|---|---:|---:|---:|\n", s.Name)
	sum := 0.0
	for _, p := range r.Parts {
		if p.Jobs == 0 {
			continue
		}
		sum += p.Seconds
		fmt.Fprintf(w, "| %s | %d | %.1f | %.2f |\n", p.Name, p.Jobs, p.Seconds, p.Seconds/one)
	}
	fmt.Fprintf(w, "| all parts, added up over the workers | | %.1f | %.2f |\n", sum, sum/one)
	fmt.Fprintf(w, "| the experiments, wall time | | %.1f | %.2f |\n", wall, wall/one)
}

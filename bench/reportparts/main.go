// Command reportparts times the report's experiments part by part against
// the chapter 1 run, in one process, and prints a Markdown table: each
// part's jobs' wall seconds (added up over the workers, so that the parts
// add up to about twice the wall time on two cores) and CPU seconds
// (experiments.Part), what each costs in CPU time against one chapter 1
// run (train.Run with Nielsen's settings, 30 epochs, measured on the
// training, validation and test sets, as `backproof train --epochs 30`
// runs it, its CPU time on both cores) and its share of the CPU time; then
// the experiments' wall and CPU time against the chapter 1 run's. On a
// machine busy with other work the CPU columns hold, the wall times do
// not. MNIST loading and the figures are left out: see bench/report.sh for
// the commands whole.
//
//	go run ./bench/reportparts [-quick] [-cpuprofile file]
//
// -cpuprofile writes a CPU profile of the report's experiments alone (not
// the chapter 1 runs) for go tool pprof; each sample is labelled with its
// part, so that `go tool pprof -tags file` gives each part's CPU time,
// which on a busy machine says more than the wall times.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/experiments"
	"github.com/backproof/backproof/outfile"
	"github.com/backproof/backproof/train"
)

func main() {
	quick := flag.Bool("quick", false, "time the quick report instead of the full one")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the report's experiments to this file")
	flag.Parse()
	// The profile is a file the user names: it is reserved before the
	// minutes of work (a folder that cannot take it fails now), written
	// beside its target and renamed over it at the end, so that a failed
	// or interrupted run leaves an older profile as it was.
	tx := outfile.Begin()
	var out *outfile.File
	if *profile != "" {
		var err error
		if out, err = tx.File(*profile); err != nil {
			log.Fatal(err)
		}
	}
	fatal := func(err error) {
		tx.Abort()
		log.Fatal(err)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		s := <-sigs
		outfile.AbortAll()
		code := 130
		if sig, ok := s.(syscall.Signal); ok {
			code = 128 + int(sig)
		}
		os.Exit(code)
	}()
	dir, err := data.MNISTDir()
	if err != nil {
		fatal(err)
	}
	tr, va, te, err := data.LoadMNIST(dir, data.Unit)
	if err != nil {
		fatal(err)
	}
	chapter1 := func() (wall, cpu float64) {
		start, cpu0 := time.Now(), cpuSeconds()
		if _, err := train.Run(train.Config{Data: "mnist", Epochs: 30}, tr, va, te, nil); err != nil {
			fatal(err)
		}
		return time.Since(start).Seconds(), cpuSeconds() - cpu0
	}
	before, beforeCPU := chapter1()
	s := experiments.FullReport()
	if *quick {
		s = experiments.QuickReport()
	}
	var prof bytes.Buffer
	if out != nil {
		if err := pprof.StartCPUProfile(&prof); err != nil {
			fatal(err)
		}
	}
	start, cpu0 := time.Now(), cpuSeconds()
	r, err := experiments.RunReport(experiments.Sets{Train: tr, Validation: va, Test: te}, s, nil)
	if err != nil {
		fatal(err)
	}
	wall, cpu := time.Since(start).Seconds(), cpuSeconds()-cpu0
	if out != nil {
		pprof.StopCPUProfile()
		if err := out.Write(prof.Bytes()); err != nil {
			fatal(err)
		}
	}
	after, afterCPU := chapter1()
	one, oneCPU := min(before, after), min(beforeCPU, afterCPU)
	w := os.Stdout
	fmt.Fprintf(w, "chapter 1 run: %.2f s before, %.2f s after (CPU %.2f s, %.2f s); the smaller is one run below\n\n",
		before, after, beforeCPU, afterCPU)
	fmt.Fprintf(w, "| %s report, part | jobs | wall seconds | CPU seconds | chapter 1 runs (CPU) | share (CPU) |\n"+
		"|---|---:|---:|---:|---:|---:|\n", s.Name)
	sum, sumCPU := 0.0, 0.0
	for _, p := range r.Parts {
		sum += p.Seconds
		sumCPU += p.CPUSeconds
	}
	for _, p := range r.Parts {
		if p.Jobs == 0 {
			continue
		}
		fmt.Fprintf(w, "| %s | %d | %.1f | %.1f | %.2f | %.1f%% |\n", p.Name, p.Jobs, p.Seconds, p.CPUSeconds,
			p.CPUSeconds/oneCPU, 100*p.CPUSeconds/sumCPU)
	}
	fmt.Fprintf(w, "| all parts, added up over the workers | | %.1f | %.1f | %.2f | |\n", sum, sumCPU, sumCPU/oneCPU)
	fmt.Fprintf(w, "| the experiments (the process: both cores) | | %.1f | %.1f | %.2f | |\n", wall, cpu, cpu/oneCPU)
	fmt.Fprintf(w, "\nthe experiments' wall time against the chapter 1 run's: %.2f\n", wall/one)
	if err := tx.Commit(); err != nil {
		log.Fatal(err)
	}
}

// cpuSeconds is the process's user and system CPU time so far.
func cpuSeconds() float64 {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		outfile.AbortAll() // nothing staged is left behind
		log.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano()).Seconds()
}

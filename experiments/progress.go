package experiments

import (
	"github.com/backproof/backproof/train"
	"sync"
	"time"
)

// Status is where a report's experiments are: the stage, what is under
// way, and the work of the stage done and in all, in units of about one
// epoch of chapter 1's run (50,000 images, mini-batches of 10, measured).
type Status struct {
	Stage, Stages int
	Name          string // the stage: "the small problems: …"
	What          string // what just finished, or is under way
	Done, Total   float64
	// Left is the estimated time left in the stage, from the pace so far;
	// 0 until a little of the stage is done.
	Left time.Duration
}

// Progress is told where the report is, from any goroutine, one call at a
// time.
type Progress func(Status)

// Stages is the number of stages of RunReport.
const Stages = 2

// tracker adds up the work done in the stage under way and tells a
// Progress; its methods may be called from any goroutine.
type tracker struct {
	mu       sync.Mutex
	progress Progress
	s        Status
	start    time.Time
}

func newTracker(p Progress) *tracker { return &tracker{progress: p} }

// stage starts stage i (1-based) of total units of work.
func (t *tracker) stage(i int, name string, total float64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.s = Status{Stage: i, Stages: Stages, Name: name, Total: total}
	t.start = time.Now()
	t.tell()
}

// did counts units of work done, with what was done.
func (t *tracker) did(units float64, what string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.s.Done = min(t.s.Done+units, t.s.Total)
	t.s.What = what
	// The pace is trusted once 2% of the stage is done.
	if t.s.Done >= 0.02*t.s.Total && t.s.Done > 0 {
		pace := time.Since(t.start).Seconds() / t.s.Done
		t.s.Left = time.Duration(pace * (t.s.Total - t.s.Done) * float64(time.Second))
	}
	t.tell()
}

func (t *tracker) tell() {
	if t.progress != nil {
		t.progress(t.s)
	}
}

// runCost is the work of a run in units of one chapter-1 epoch (training
// and measuring the training and test sets, which cost about alike): its
// epochs on n images, the training dearer per image in batches of one
// (50,000 steps an epoch) and cheaper in large ones, the measuring a
// tenth when it skips the training set. Rough: it only orders the jobs
// and paces the estimate of the time left.
func runCost(cfg train.Config, n int) float64 {
	m := cfg.Batch
	if m == 0 {
		m = train.DefaultBatch
	}
	steps := 1.0
	switch {
	case m == 1:
		steps = 1.5
	case m >= 100:
		steps = 0.8
	}
	measure := 1.0
	switch {
	case cfg.SkipTrainingSet:
		measure = 0.1
	case cfg.TrainingSetAtEnds:
		measure = 0.15
	case cfg.SkipTrainingGradient:
		measure = 0.6
	}
	return float64(max(cfg.Epochs, 1)) * float64(n) / 50000 * (steps + measure) / 2
}

// probeCost is the work of a curvature probe on k examples.
func probeCost(k int) float64 { return float64(k) / 1000 * 3 }

// sliceCost is the work of the plateau's loss-surface slice.
func sliceCost(s ReportSettings) float64 {
	return float64(s.SliceGrid*s.SliceGrid) * float64(s.ProbeExamples) / 1000 * 0.009
}

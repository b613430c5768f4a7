package train

import (
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/backproof/backproof/curvature"
)

// WriteText prints the history for a learner, as `backproof train` does:
// the table of epochs (seconds, costs, accuracies, ‖∇C‖ by layer, saturated
// units, classes predicted), the run's settings, the last epoch's units by
// layer, the samples inside epoch 1, the curvature probes, and why and when
// training stopped.
func (h *History) WriteText(w io.Writer) { NewTextWriter(w).Finish(h) }

// TextWriter prints a History as Run makes it: each epoch's row of the
// table as soon as Run reports the epoch done (Progress), then the rest of
// WriteText's text (Finish). Write errors are left to w; a writer that
// records its first error (as the command line's does) sees them all.
type TextWriter struct {
	w      io.Writer
	rows   int // epochs printed
	header bool
	// Probe leaves out the samples inside epoch 1: the curvature command
	// trains only to reach the point it probes, and the epochs are context.
	Probe bool
}

// NewTextWriter prints to w.
func NewTextWriter(w io.Writer) *TextWriter { return &TextWriter{w: w} }

// Progress prints the row of the epoch p reports done, if any: pass it
// every Progress of Run (it ignores those inside an epoch).
func (t *TextWriter) Progress(p Progress) {
	if p.Done != nil {
		t.epoch(p.Done)
	}
}

// Finish prints the rows of h's epochs not printed yet, then the summary.
func (t *TextWriter) Finish(h *History) {
	for i := t.rows; i < len(h.Epochs); i++ {
		t.epoch(&h.Epochs[i])
	}
	t.summary(h)
}

func (t *TextWriter) epoch(e *Epoch) {
	t.rows++
	if !t.header {
		t.header = true
		fmt.Fprintf(t.w, "%5s %8s %10s %9s %9s %9s %9s  %s %9s  %s\n", "epoch", "seconds", "train cost", "train acc",
			"valid acc", "test cost", "test acc", padRunes("|∇C| by layer", 9*len(e.GradNorm)), "saturated", "classes predicted")
	}
	grads := make([]string, len(e.GradNorm))
	for i, g := range e.GradNorm {
		grads[i] = fmt.Sprintf("%.2e", float64(g))
	}
	partial := ""
	if e.Partial {
		partial = fmt.Sprintf("  (cut short after %d steps)", e.Steps)
	}
	fmt.Fprintf(t.w, "%5d %8.2f %10.5g %9s %9s %9.5g %9s  %s %8.1f%%  %d%s\n", e.Epoch, e.Seconds, float64(e.TrainCost),
		pctOrDash(e.TrainAccuracy), pctOrDash(e.ValidationAccuracy), float64(e.TestCost), pctOrDash(e.TestAccuracy),
		padRunes(strings.Join(grads, " "), 9*len(e.GradNorm)), 100*float64(e.SaturatedFraction), e.DistinctPredictions, partial)
}

func (t *TextWriter) summary(h *History) {
	c, w := h.Config, t.w
	fmt.Fprintf(w, "\nrun: %s", c.Data)
	if c.Pixels != "" {
		fmt.Fprintf(w, " (%s pixels)", c.Pixels)
	}
	fmt.Fprintf(w, ", net %s %v, %v cost (%v), %v convention, init %v, η %g, batch %d, λ %g, seed %d\n",
		commaInts(c.Net), c.Act, c.Cost, c.Reduction, c.Convention, c.Init, c.Eta, c.Batch, c.Lambda, c.Seed)
	if c.Keep > 0 {
		fmt.Fprintf(w, "dropout: hidden units kept with probability %g while training, A = (D ⊙ f(Z))/%g; measured with every unit\n", c.Keep, c.Keep)
	}
	fmt.Fprintf(w, "sets: train %s, validation %s, test %s; %d steps an epoch\n", h.Sets.Train, dashIfEmpty(h.Sets.Validation), dashIfEmpty(h.Sets.Test), h.StepsPerEpoch)
	if len(h.Epochs) > 0 {
		last := h.Epochs[len(h.Epochs)-1]
		zs := make([]string, len(last.MaxAbsZ))
		for i, z := range last.MaxAbsZ {
			zs[i] = fmt.Sprintf("%.3g", float64(z))
		}
		fmt.Fprintf(w, "epoch %d: saturated by layer %s, largest |z| by layer %s, output spread %.3g\n",
			last.Epoch, percents(last.SaturatedByLayer), strings.Join(zs, " "), float64(last.OutputSpread))
	}
	if len(h.FirstEpoch) > 0 && !t.Probe {
		fmt.Fprintf(w, "\ninside epoch 1, on %s:\n%8s %9s %9s %9s %10s\n", h.Sets.Samples, "step", "examples", "cost", "accuracy", "saturated")
		for _, s := range h.FirstEpoch {
			fmt.Fprintf(w, "%8d %9d %9.5g %9s %9.1f%%\n", s.Step, s.Examples, float64(s.Cost), pctOrDash(s.Accuracy), 100*float64(s.SaturatedFraction))
		}
	}
	for _, k := range h.Curvature {
		fmt.Fprintf(w, "\ncurvature after epoch %d (%d training examples, %d parameters, %d Lanczos steps): %s\n", k.Epoch, k.Examples, k.Params, k.Iterations, headline(k.Result))
		fmt.Fprintf(w, "  %-9s ‖∇‖ %.3e   λmin %.3e   λmax %.3e  %s\n", "whole net", k.GradNorm, k.LambdaMin, k.LambdaMax, k.Kind)
		for _, b := range k.Blocks {
			fmt.Fprintf(w, "  %-9s ‖∇‖ %.3e   λmin %.3e   λmax %.3e  %s\n", b.Name, b.GradNorm, b.LambdaMin, b.LambdaMax, b.Kind)
		}
		fmt.Fprintf(w, "  %s\n", k.Thresholds.Rule())
		if flat := k.FlatBlocks(); len(flat) > 0 && k.Kind != curvature.Flat {
			fmt.Fprintf(w, "  a plateau for %s: gradient descent cannot move those parameters from here\n", strings.Join(flat, " and "))
		}
	}
	if trainedNothing(h) {
		// Nothing was trained (--epochs 0): no "final" accuracy to report.
		fmt.Fprintf(w, "\nthe starting point, measured in %.1f s (nothing trained)\n", h.Seconds)
		return
	}
	fmt.Fprintf(w, "\nstopped: %s after %.1f s", h.Stopped, h.Seconds)
	if !math.IsNaN(float64(h.FinalTestAccuracy)) {
		fmt.Fprintf(w, "; final test accuracy %s", pctOrDash(h.FinalTestAccuracy))
		if h.Divergence != nil && len(h.Epochs) > 0 {
			fmt.Fprintf(w, " (epoch %d, before the divergence)", h.Epochs[len(h.Epochs)-1].Epoch)
		}
	}
	fmt.Fprintln(w)
}

// headline is a probe's kinds with the kinds in capitals, to be seen at a
// glance: "whole net SADDLE; layer 1 FLAT, layer 2 SADDLE".
func headline(r *curvature.Result) string {
	s := "whole net " + strings.ToUpper(r.Kind.String())
	for i, b := range r.Blocks {
		s += map[bool]string{true: "; ", false: ", "}[i == 0] + b.Name + " " + strings.ToUpper(b.Kind.String())
	}
	return s
}

// trainedNothing says whether h only measured its starting point.
func trainedNothing(h *History) bool {
	return h.Config.Epochs == NoTraining || (len(h.Epochs) > 0 && h.Epochs[len(h.Epochs)-1].Epoch == 0 && h.Divergence == nil)
}

// padRunes fills s with spaces to width characters (not bytes: ∇ is three).
func padRunes(s string, width int) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}

func pctOrDash(x Float) string {
	if math.IsNaN(float64(x)) {
		return "—"
	}
	return fmt.Sprintf("%.2f%%", 100*float64(x))
}

func percents(v []Float) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprintf("%.1f%%", 100*float64(x))
	}
	return strings.Join(s, " ")
}

func commaInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ",")
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

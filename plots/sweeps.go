package plots

import (
	"fmt"
	"image/color"
	"math"
	"strings"

	"github.com/backproof/backproof/experiments"
	"github.com/backproof/backproof/train"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/brewer"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// newSweepChart is a panel with epochs along x, from 0 to the last epoch
// (or divergence) of any run, with room either side.
func newSweepChart(runs []experiments.Run, title string) *chart {
	c := newChart(title, panelHeight)
	c.side = true
	last := 1.0
	for _, r := range runs {
		for i := range r.History.Epochs {
			last = math.Max(last, epochX(r.History, &r.History.Epochs[i]))
		}
		if r.History.Divergence != nil {
			last = math.Max(last, divergenceX(r.History))
		}
	}
	c.pl.X.Min, c.pl.X.Max = -last/40, last*41/40
	c.pl.X.Label.Text = "epoch (0: before training)"
	c.pl.X.Tick.Marker = epochTicks{}
	return c
}

// sweepChart draws value(e) for each run of runs against the epoch: on a
// log10 axis (exact zeros at the bottom) or as a percentage.
func sweepChart(runs []experiments.Run, title, ylabel string, log bool, value func(e *train.Epoch) float64,
	style func(i int) (string, seriesStyle), chance bool) (*chart, error) {
	c := newSweepChart(runs, title)
	if chance && len(runs) > 0 {
		// First, so that a run at chance is drawn over it, not under.
		if err := c.chance(runs[0].History); err != nil {
			return nil, err
		}
	}
	var y valueAxis
	if log {
		var all []float64
		for _, r := range runs {
			for i := range r.History.Epochs {
				all = append(all, value(&r.History.Epochs[i]))
			}
		}
		y = newValueAxis(all, true, true)
		y.apply(&c.pl.Y)
		ylabel += y.labelSuffix()
	} else {
		y = valueAxis{min: percentMin, max: percentMax}
		c.pl.Y.Min, c.pl.Y.Max = percentMin, percentMax
		c.pl.Y.Tick.Marker = percentTicks{}
	}
	c.pl.Y.Label.Text = ylabel
	for i, r := range runs {
		name, st := style(i)
		h := r.History
		xy := epochPoints(h, func(e *train.Epoch) float64 { return y.at(value(e)) })
		if err := c.add(series{name: name, xy: xy, color: st.color, dashes: st.dashes}); err != nil {
			return nil, err
		}
		if h.Divergence != nil {
			c.end(divergenceX(h), st.color)
		}
	}
	return c, nil
}

type plotColor = color.Color

type seriesStyle struct {
	color  color.Color
	dashes []vg.Length
}

// divergenceX is where a diverged run's curve ends: the epoch and the
// fraction of it that ran.
func divergenceX(h *train.History) float64 {
	d := h.Divergence
	if h.StepsPerEpoch > 0 {
		return float64(d.Epoch-1) + float64(d.Step)/float64(h.StepsPerEpoch)
	}
	return float64(d.Epoch)
}

// etaStyle colours the runs of an η sweep (in increasing η) by a
// sequential colour map, light to dark: an ordered parameter in ordered
// colours.
func etaStyle(runs []experiments.Run) func(i int) (string, seriesStyle) {
	return func(i int) (string, seriesStyle) {
		return runs[i].Label, seriesStyle{color: sequential(i, len(runs))}
	}
}

// sequential is the i-th of n colours of ColorBrewer's YlGnBu, light to
// dark, leaving out its lightest shades, which vanish on white.
func sequential(i, n int) color.Color {
	const skip = 2
	pal, err := brewer.GetPalette(brewer.TypeSequential, "YlGnBu", 9)
	if err != nil {
		panic("plots: " + err.Error()) // a fixed name and size: cannot fail
	}
	cs := pal.Colors()[skip:]
	if n <= 1 {
		return cs[len(cs)-1]
	}
	return cs[int(math.Round(float64(i)*float64(len(cs)-1)/float64(n-1)))]
}

// sweepTitle is a sweep's title: what it shows, and the settings the runs
// share (the first run's, less what varies).
func sweepTitle(what string, runs []experiments.Run) string {
	if len(runs) == 0 {
		return what
	}
	h := runs[0].History
	c := h.Config
	parts := []string{h.Sets.Train, fmt.Sprintf("net %v", c.Net), fmt.Sprintf("%v cost", c.Cost)}
	same := func(f func(c train.Config) string) bool {
		for _, r := range runs {
			if f(r.History.Config) != f(c) {
				return false
			}
		}
		return true
	}
	if same(func(c train.Config) string { return c.Init.String() }) {
		parts = append(parts, "init "+InitName(c.Init))
	}
	if same(func(c train.Config) string { return fmt.Sprint(c.Eta) }) {
		parts = append(parts, fmt.Sprintf("η %g", c.Eta))
	}
	parts = append(parts, fmt.Sprintf("%v over batch %d", c.Reduction, c.Batch), fmt.Sprintf("%d epochs", c.Epochs), fmt.Sprintf("seed %d", c.Seed))
	return what + "\n" + strings.Join(parts, ", ")
}

// InitLoss draws the training cost of each init's run, log10 scale.
func InitLoss(runs []experiments.Run) (*plot.Plot, error) {
	c, err := sweepChart(runs, sweepTitle("Training cost for each init", runs), "training cost per example", true,
		func(e *train.Epoch) float64 { return float64(e.TrainCost) }, initStyle(runs), false)
	if err != nil {
		return nil, err
	}
	return finishOne(c, "no finite cost to draw")
}

// testAccuracy is the test accuracy in percent, else the validation one.
func testAccuracy(e *train.Epoch) float64 {
	if a := float64(e.TestAccuracy); !math.IsNaN(a) {
		return 100 * a
	}
	return 100 * float64(e.ValidationAccuracy)
}

// InitAccuracy draws the test accuracy of each init's run.
func InitAccuracy(runs []experiments.Run) (*plot.Plot, error) {
	c, err := sweepChart(runs, sweepTitle("Test accuracy for each init", runs), "test accuracy (%)", false, testAccuracy, initStyle(runs), true)
	if err != nil {
		return nil, err
	}
	return finishOne(c, "no finite accuracy to draw")
}

func chanceLine(c *chart, runs []experiments.Run) error {
	if len(runs) == 0 {
		return nil
	}
	return c.chance(runs[0].History)
}

// GradientNorms draws each layer's gradient norm for each init's run: a
// colour per run, solid for layer 1 and dashed for the others.
func GradientNorms(runs []experiments.Run) (*plot.Plot, error) {
	c := newSweepChart(runs, sweepTitle("Gradient norm per layer for each init", runs))
	var all []float64
	for _, r := range runs {
		for j := range r.History.Epochs {
			for _, g := range r.History.Epochs[j].GradNorm {
				all = append(all, float64(g))
			}
		}
	}
	y := newValueAxis(all, true, true)
	y.apply(&c.pl.Y)
	c.pl.Y.Label.Text = "‖∂C/∂(W, b)‖ of the layer" + y.labelSuffix()
	style := initStyle(runs)
	for i, r := range runs {
		h := r.History
		name, st := style(i)
		col := st.color
		for l := 1; l <= layerCount(h); l++ {
			var dash []vg.Length
			if l > 1 {
				dash = dashed
			}
			xy := epochPoints(h, func(e *train.Epoch) float64 { return y.at(at(e.GradNorm, l-1)) })
			if err := c.add(series{name: fmt.Sprintf("%s, layer %d", name, l), xy: xy, color: col, dashes: dash}); err != nil {
				return nil, err
			}
		}
		if h.Divergence != nil {
			c.end(divergenceX(h), col)
		}
	}
	return finishOne(c, "no finite gradient norm to draw")
}

// Saturation draws the saturated share of layer 1's units for each run.
func Saturation(runs []experiments.Run) (*plot.Plot, error) {
	c, err := sweepChart(runs, sweepTitle("Saturated hidden units for each init", runs), "hidden units with |z| > 5 (%)", false,
		func(e *train.Epoch) float64 { return 100 * at(e.SaturatedByLayer, 0) }, initStyle(runs), false)
	if err != nil {
		return nil, err
	}
	return finishOne(c, "no finite saturated fraction to draw")
}

// LearningRate draws the test accuracy of each η's run.
func LearningRate(runs []experiments.Run) (*plot.Plot, error) {
	c, err := sweepChart(runs, sweepTitle("Test accuracy for each learning rate η", runs), "test accuracy (%)", false, testAccuracy, etaStyle(runs), true)
	if err != nil {
		return nil, err
	}
	return finishOne(c, "no finite accuracy to draw")
}

func finishOne(c *chart, note string) (*plot.Plot, error) {
	ps, err := c.finish(note)
	if err != nil {
		return nil, err
	}
	fitTitle(ps[0])
	return ps[0], nil
}

// BatchMeanVsSum draws the final test accuracy against the batch size for
// the runs of experiments.BatchConfigs (labelled "sum, m = …", "mean, m = …"
// and "sum at η/m, m = …"), with a cross where a run diverged.
func BatchMeanVsSum(runs []experiments.Run) (*plot.Plot, error) {
	c := newChart("", panelHeight)
	c.side = true
	if len(runs) > 0 {
		h := runs[0].History
		cf := h.Config
		c.pl.Title.Text = fmt.Sprintf("Sum against mean over the mini-batch, η = %g\n%s, net %v, %v cost, %s init, %d epochs, seed %d",
			cf.Eta, h.Sets.Train, cf.Net, cf.Cost, InitName(cf.Init), cf.Epochs, cf.Seed)
	}
	c.pl.X.Label.Text = "mini-batch size m (log10 scale)"
	c.pl.Y.Label.Text = "test accuracy after the last epoch (%)"
	c.pl.Y.Min, c.pl.Y.Max = percentMin, percentMax
	c.pl.Y.Tick.Marker = percentTicks{}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range runs {
		m := math.Log10(float64(r.History.Config.Batch))
		lo, hi = math.Min(lo, m), math.Max(hi, m)
	}
	if !(lo < hi) {
		lo, hi = 0, 1
	}
	pad := (hi - lo) / 20
	c.pl.X.Min, c.pl.X.Max = lo-pad, hi+pad
	c.pl.X.Tick.Marker = logTicks{}
	if err := chanceLine(c, runs); err != nil {
		return nil, err
	}
	for k, kind := range []struct{ label, name string }{
		{"sum", "sum, at η"},
		{"mean", "mean, at η"},
		{"sum at η/m", "sum, at η/m"},
	} {
		var xy plotter.XYs
		col := palette10[k]
		for _, r := range runs {
			if batchKind(r.Label) != kind.label {
				continue
			}
			h := r.History
			x := math.Log10(float64(h.Config.Batch))
			if h.Stopped == train.Diverged {
				c.end(x, col)
			}
			if a := LastAccuracy(h); isFinite(a) {
				xy = append(xy, plotter.XY{X: x, Y: a})
			}
		}
		if err := c.add(series{name: kind.name, xy: xy, color: col, dashes: [][]vg.Length{nil, dashed, dotted}[k]}); err != nil {
			return nil, err
		}
	}
	return finishOne(c, "no finite accuracy to draw")
}

// batchKind is what a run of experiments.BatchConfigs is, from its label
// "sum, m = 10": "sum", "mean" or "sum at η/m".
func batchKind(label string) string {
	if i := strings.Index(label, ", m = "); i >= 0 {
		return label[:i]
	}
	return label
}

// LastAccuracy is the test (else validation) accuracy of the last recorded
// epoch, in percent: for a diverged run the last before it diverged.
func LastAccuracy(h *train.History) float64 {
	if len(h.Epochs) == 0 {
		return math.NaN()
	}
	return testAccuracy(&h.Epochs[len(h.Epochs)-1])
}

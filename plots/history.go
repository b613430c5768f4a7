package plots

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/outfile"
	"github.com/backproof/backproof/train"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Figure is one figure of a training run, as History draws it.
type Figure struct {
	File    string // the PNG file's name in History's folder
	Title   string // the first line of the figure's title; the second names the run (RunName)
	Caption string // what the figure shows and what to conclude from it

	// plots lays the figure out as panels, one above the other.
	plots func(h *train.History, title string) ([]*plot.Plot, error)
}

// HistoryFigures are the figures History draws, in order.
var HistoryFigures = []Figure{
	{File: "cost.png", Title: "Cost per epoch", plots: costPlots,
		Caption: `Cost per example on the training, validation and test sets after each epoch (0: the untrained net), ` +
			`on a log10 axis in every run, so that runs compare side by side. A falling cost alone is not learning: read it with accuracy.png (on the plateau of uniform ` +
			`[0,1) weights the cost falls from 4.5 to 2.1 in 30 epochs while every image gets the same answer). ` +
			`Validation cost rising while training cost falls is overfitting. A set without a line was not measured.`},
	{File: "accuracy.png", Title: "Accuracy per epoch", plots: accuracyPlots,
		Caption: `Percentage of the training, validation and test examples classified correctly after each epoch; the ` +
			`dashed line is chance, one class in n. Accuracy that stays at chance while the cost moves is a plateau ` +
			`(on MNIST 9.8%: every image gets the same answer); a healthy run is far above chance after epoch 1. ` +
			`Training accuracy far above validation accuracy is overfitting.`},
	{File: "grad-norm.png", Title: "Gradient norm per layer", plots: gradNormPlots,
		Caption: `‖∂C/∂(W^ℓ, b^ℓ)‖, the norm of the training cost's gradient with respect to each layer's weights and ` +
			`biases over the whole training set, after each epoch, on a log10 axis; dashed: the whole gradient; ` +
			`dotted: 1e-5, where the curvature probe starts to call a layer flat; an exact zero is drawn at the ` +
			`bottom, labelled 0. Healthy layers sit well above 1e-5, within a few decades of each other. A layer near ` +
			`1e-13 (or at 0) cannot learn: its sigmoids are saturated, σ′(z) ≈ 0, and no η and no number of epochs ` +
			`moves it. That is a plateau, not a minimum, and the whole gradient, which the other layers dominate, hides it.`},
	{File: "saturation.png", Title: "Saturated units per layer", plots: saturationPlots,
		Caption: `Percentage of each sigmoid or tanh layer's units, over every training example, whose |z| is above the ` +
			`threshold (5 for sigmoid, where σ′(z) is under 2.7% of its peak; 2.5 for tanh), after each epoch; dashed: ` +
			`all such units. Layers of other activations cannot saturate and are not drawn. A hidden layer at 100% ` +
			`passes back almost no gradient (see grad-norm.png); a high share is normal (Nielsen's chapter 1 run ends ` +
			`near 89%) as long as each unit still works for some inputs.`},
	{File: "first-epoch.png", Title: "Inside the first epoch", plots: firstEpochPlots,
		Caption: `Cost (top) and accuracy (bottom) on the first 1000 validation examples, measured inside epoch 1 after ` +
			`mini-batch steps 1, 2, 5, 10, 20, 50, … and every tenth of the epoch, against the step on a log10 axis; ` +
			`dashed: the saturated sigmoid and tanh units; grey: chance. A healthy run leaves chance within a few ` +
			`hundred steps. A flat stretch at chance that later breaks is an early plateau that passes; one that lasts ` +
			`the whole epoch with saturation near 100% usually lasts for good (see grad-norm.png).`},
}

// History draws the HistoryFigures of the training run h as PNG files in
// the folder dir, which must exist, and returns their paths in the order of
// HistoryFigures. Points that are NaN or ±Inf (a set that was not measured,
// a run that diverged) are left out; a figure with nothing to draw says so.
func History(h *train.History, dir string) ([]string, error) {
	if h == nil {
		return nil, errors.New("plots: no history to draw")
	}
	var paths []string
	for _, f := range HistoryFigures {
		what, how := runName(h)
		panels, err := f.plots(h, f.Title+" — "+what+"\n"+how)
		if err != nil {
			return paths, fmt.Errorf("%s: %v", f.File, err)
		}
		fitTitle(panels[0])
		path := filepath.Join(dir, f.File)
		if err := savePanels(panels, path); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// RunName names the run in the figures' titles: the data, the net, the
// cost, the init, η, the reduction and the batch, and where it diverged.
func RunName(h *train.History) string {
	what, how := runName(h)
	if how == "" {
		return what
	}
	return what + ", " + how
}

// runName is RunName in two parts: the data and net, and how it trained.
func runName(h *train.History) (what, how string) {
	c := h.Config
	var parts []string
	add := func(format string, v ...any) { parts = append(parts, fmt.Sprintf(format, v...)) }
	if c.Data != "" {
		add("%s", c.Data)
	}
	if c.Pixels == "raw" {
		add("raw pixels")
	}
	if c.TrainSize > 0 {
		add("%d training examples", c.TrainSize)
	}
	if len(c.Net) > 0 {
		add("net %s %s", joinInts(c.Net), c.Act)
	}
	what = strings.TrimSpace(strings.Join(parts, ", "))
	parts = nil
	add("%s cost", c.Cost)
	add("init %s", c.Init)
	if c.Eta != 0 {
		add("η %g", c.Eta)
	}
	if c.Batch > 0 {
		add("%s over batch %d", c.Reduction, c.Batch)
	} else {
		add("%s", c.Reduction)
	}
	if c.Lambda != 0 {
		add("λ %g", c.Lambda)
	}
	if d := h.Divergence; d != nil {
		add("diverged at epoch %d, step %d", d.Epoch, d.Step)
	}
	how = strings.Join(parts, ", ")
	if what == "" {
		what = "a training run"
	}
	return what, how
}

// fitTitle shrinks the title's font until its longest line fits the figure.
func fitTitle(pl *plot.Plot) {
	for pl.Title.TextStyle.Font.Size > 8 {
		var w vg.Length
		for _, line := range strings.Split(pl.Title.Text, "\n") {
			w = max(w, pl.Title.TextStyle.Rectangle(line).Size().X)
		}
		if w <= figureWidth-vg.Points(16) {
			return
		}
		pl.Title.TextStyle.Font.Size -= 0.5
	}
}

// The figures' sizes: one panel, and the first epoch's two.
const (
	figureWidth  = 7 * vg.Inch
	panelHeight  = 4.5 * vg.Inch
	panelsHeight = 7 * vg.Inch
)

// savePanels draws panels one above the other into a PNG file at path,
// through a temporary file beside it (outfile.WriteFile).
func savePanels(panels []*plot.Plot, path string) error {
	if len(panels) == 1 {
		png, err := PNG(panels[0], figureWidth, panelHeight)
		if err != nil {
			return err
		}
		return outfile.WriteFile(path, png)
	}
	img := vgimg.New(figureWidth, panelsHeight)
	dc := draw.New(img)
	rows := make([][]*plot.Plot, len(panels))
	for i, p := range panels {
		rows[i] = []*plot.Plot{p}
	}
	tiles := draw.Tiles{Rows: len(panels), Cols: 1, PadTop: vg.Points(4), PadBottom: vg.Points(4),
		PadLeft: vg.Points(4), PadRight: vg.Points(4), PadY: vg.Points(12)}
	canvases := plot.Align(rows, tiles, dc)
	for i, p := range panels {
		p.Draw(canvases[i][0])
	}
	var b bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&b); err != nil {
		return err
	}
	return outfile.WriteFile(path, b.Bytes())
}

// The sets' colours, the same in every figure, and the layers'.
var (
	trainColor      = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	validationColor = color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}
	testColor       = color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}
	grey            = color.RGBA{R: 0x70, G: 0x70, B: 0x70, A: 0xff}
	layerColors     = []color.RGBA{
		{R: 0x94, G: 0x67, B: 0xbd, A: 0xff}, {R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, {R: 0x17, G: 0xbe, B: 0xcf, A: 0xff},
		{R: 0x8c, G: 0x56, B: 0x4b, A: 0xff}, {R: 0xe3, G: 0x77, B: 0xc2, A: 0xff}, {R: 0xbc, G: 0xbd, B: 0x22, A: 0xff},
	}
	dashed = []vg.Length{vg.Points(5), vg.Points(3)}
	dotted = []vg.Length{vg.Points(1.5), vg.Points(2.5)}
)

// layerStyle is layer ℓ's colour and dashes (solid for the first six).
func layerStyle(l int) (color.RGBA, []vg.Length) {
	c := layerColors[(l-1)%len(layerColors)]
	if (l-1)/len(layerColors)%2 == 1 {
		return c, dashed
	}
	return c, nil
}

// setSeries are the three sets of cost.png and accuracy.png.
var setSeries = []struct {
	name  string
	color color.RGBA
	cost  func(e *train.Epoch) train.Float
	acc   func(e *train.Epoch) train.Float
}{
	{"training", trainColor, func(e *train.Epoch) train.Float { return e.TrainCost }, func(e *train.Epoch) train.Float { return e.TrainAccuracy }},
	{"validation", validationColor, func(e *train.Epoch) train.Float { return e.ValidationCost }, func(e *train.Epoch) train.Float { return e.ValidationAccuracy }},
	{"test", testColor, func(e *train.Epoch) train.Float { return e.TestCost }, func(e *train.Epoch) train.Float { return e.TestAccuracy }},
}

func costPlots(h *train.History, title string) ([]*plot.Plot, error) {
	c := newEpochChart(h, title)
	var all []float64
	for _, s := range setSeries {
		for i := range h.Epochs {
			all = append(all, float64(s.cost(&h.Epochs[i])))
		}
	}
	y := newValueAxis(all, true, false) // always log10: one scale for every run, so figures compare side by side
	c.pl.Y.Label.Text = "cost per example" + y.labelSuffix()
	y.apply(&c.pl.Y)
	for _, s := range setSeries {
		xy := epochPoints(h, func(e *train.Epoch) float64 { return y.at(float64(s.cost(e))) })
		if err := c.add(series{name: s.name, xy: xy, color: s.color}); err != nil {
			return nil, err
		}
	}
	return c.finish("no finite cost to draw")
}

func accuracyPlots(h *train.History, title string) ([]*plot.Plot, error) {
	c := newEpochChart(h, title)
	c.pl.Y.Label.Text = "accuracy (%)"
	c.pl.Y.Min, c.pl.Y.Max = percentMin, percentMax
	c.pl.Y.Tick.Marker = percentTicks{}
	if err := c.chance(h); err != nil {
		return nil, err
	}
	for _, s := range setSeries {
		xy := epochPoints(h, func(e *train.Epoch) float64 { return 100 * float64(s.acc(e)) })
		if err := c.add(series{name: s.name, xy: xy, color: s.color}); err != nil {
			return nil, err
		}
	}
	return c.finish("no finite accuracy to draw")
}

// flatGrad is where the curvature probe (curvature.Settings.FlatTol's
// default) starts to call a gradient tiny.
const flatGrad = 1e-5

func gradNormPlots(h *train.History, title string) ([]*plot.Plot, error) {
	c := newEpochChart(h, title)
	L := layerCount(h)
	all := []float64{flatGrad}
	for i := range h.Epochs {
		e := &h.Epochs[i]
		all = append(all, float64(e.GradTotal))
		for _, g := range e.GradNorm {
			all = append(all, float64(g))
		}
	}
	y := newValueAxis(all, true, true)
	c.pl.Y.Label.Text = "‖∂C/∂(W, b)‖ of the layer" + y.labelSuffix()
	y.apply(&c.pl.Y)
	if err := c.hline(y.at(flatGrad), "1e-5: flat", grey, dotted); err != nil {
		return nil, err
	}
	acts := layerActs(h.Config, L)
	for l := 1; l <= L; l++ {
		xy := epochPoints(h, func(e *train.Epoch) float64 { return y.at(at(e.GradNorm, l-1)) })
		col, dash := layerStyle(l)
		if err := c.add(series{name: layerName(h.Config, acts, l), xy: xy, color: col, dashes: dash}); err != nil {
			return nil, err
		}
	}
	if L > 1 { // on top: it lies on the largest layer's line
		xy := epochPoints(h, func(e *train.Epoch) float64 { return y.at(float64(e.GradTotal)) })
		if err := c.add(series{name: "whole gradient", xy: xy, color: grey, dashes: dashed, thin: true}); err != nil {
			return nil, err
		}
	}
	return c.finish("no finite gradient norm to draw")
}

func saturationPlots(h *train.History, title string) ([]*plot.Plot, error) {
	c := newEpochChart(h, title)
	L := layerCount(h)
	acts := layerActs(h.Config, L)
	c.pl.Y.Label.Text = saturationLabel(h.Config, acts)
	c.pl.Y.Min, c.pl.Y.Max = percentMin, percentMax
	c.pl.Y.Tick.Marker = percentTicks{}
	drawn := saturatingLayers(acts)
	if len(drawn) > 1 {
		xy := epochPoints(h, func(e *train.Epoch) float64 { return 100 * float64(e.SaturatedFraction) })
		if err := c.add(series{name: "all sigmoid and tanh units", xy: xy, color: grey, dashes: dashed, thin: true}); err != nil {
			return nil, err
		}
	}
	for _, l := range drawn {
		xy := epochPoints(h, func(e *train.Epoch) float64 { return 100 * at(e.SaturatedByLayer, l-1) })
		col, dash := layerStyle(l)
		if err := c.add(series{name: layerName(h.Config, acts, l), xy: xy, color: col, dashes: dash}); err != nil {
			return nil, err
		}
	}
	if len(drawn) == 0 && L > 0 {
		return c.finish("no sigmoid or tanh layer: nothing saturates")
	}
	return c.finish("no finite saturated fraction to draw")
}

func firstEpochPlots(h *train.History, title string) ([]*plot.Plot, error) {
	steps := h.StepsPerEpoch
	for _, s := range h.FirstEpoch {
		steps = max(steps, s.Step)
	}
	stepAt := func(s train.Sample) float64 {
		if s.Step < 1 {
			return math.NaN()
		}
		return math.Log10(float64(s.Step))
	}
	setX := func(pl *plot.Plot) {
		top := math.Max(1, math.Log10(float64(max(steps, 1))))
		pl.X.Min, pl.X.Max = -top/40, top*41/40
		pl.X.Tick.Marker = logTicks{}
	}
	samples := orDash(h.Sets.Samples)
	empty := "no samples: epoch 1 did not run"
	if len(h.FirstEpoch) > 0 {
		empty = "no finite sample to draw"
	}

	top := newChart(title, panelsHeight/2)
	setX(top.pl)
	var costs []float64
	for _, s := range h.FirstEpoch {
		costs = append(costs, float64(s.Cost))
	}
	y := newValueAxis(costs, true, false)
	top.pl.Y.Label.Text = "cost per example" + y.labelSuffix()
	y.apply(&top.pl.Y)
	top.pl.X.Label.Text = fmt.Sprintf("mini-batch step inside epoch 1 (log10 scale; %d steps an epoch)", h.StepsPerEpoch)
	xy := samplePoints(h.FirstEpoch, stepAt, func(s train.Sample) float64 { return y.at(float64(s.Cost)) })
	if err := top.add(series{name: "cost on " + samples, xy: xy, color: validationColor}); err != nil {
		return nil, err
	}
	if _, err := top.finish(empty); err != nil {
		return nil, err
	}

	bottom := newChart("", panelsHeight/2)
	setX(bottom.pl)
	bottom.pl.X.Label.Text = top.pl.X.Label.Text
	bottom.pl.Y.Label.Text = "%"
	bottom.pl.Y.Min, bottom.pl.Y.Max = percentMin, percentMax
	bottom.pl.Y.Tick.Marker = percentTicks{}
	if err := bottom.chance(h); err != nil {
		return nil, err
	}
	xy = samplePoints(h.FirstEpoch, stepAt, func(s train.Sample) float64 { return 100 * float64(s.Accuracy) })
	if err := bottom.add(series{name: "accuracy on " + samples, xy: xy, color: validationColor}); err != nil {
		return nil, err
	}
	if len(saturatingLayers(layerActs(h.Config, layerCount(h)))) > 0 {
		xy = samplePoints(h.FirstEpoch, stepAt, func(s train.Sample) float64 { return 100 * float64(s.SaturatedFraction) })
		if err := bottom.add(series{name: "saturated units", xy: xy, color: layerColors[0], dashes: dashed}); err != nil {
			return nil, err
		}
	}
	if _, err := bottom.finish(empty); err != nil {
		return nil, err
	}
	return []*plot.Plot{top.pl, bottom.pl}, nil
}

// epochX is where epoch e is drawn: its number, or for an epoch cut short
// the fraction of it that ran.
func epochX(h *train.History, e *train.Epoch) float64 {
	if e.Partial && e.Epoch > 0 && h.StepsPerEpoch > 0 {
		return float64(e.Epoch-1) + float64(e.Steps)/float64(h.StepsPerEpoch)
	}
	return float64(e.Epoch)
}

// epochPoints are the finite points (epochX, y(e)) of h's epochs.
func epochPoints(h *train.History, y func(e *train.Epoch) float64) plotter.XYs {
	var xy plotter.XYs
	for i := range h.Epochs {
		e := &h.Epochs[i]
		xy = appendFinite(xy, epochX(h, e), y(e))
	}
	return xy
}

// samplePoints are the finite points (x(s), y(s)) of the samples.
func samplePoints(samples []train.Sample, x, y func(s train.Sample) float64) plotter.XYs {
	var xy plotter.XYs
	for _, s := range samples {
		xy = appendFinite(xy, x(s), y(s))
	}
	return xy
}

func appendFinite(xy plotter.XYs, x, y float64) plotter.XYs {
	if isFinite(x) && isFinite(y) {
		xy = append(xy, plotter.XY{X: x, Y: y})
	}
	return xy
}

func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// at is v[i] as a float64, NaN when v is too short.
func at(v []train.Float, i int) float64 {
	if i < len(v) {
		return float64(v[i])
	}
	return math.NaN()
}

// layerCount is the number of layers L of h's net.
func layerCount(h *train.History) int {
	L := len(h.Config.Net) - 1
	for i := range h.Epochs {
		L = max(L, len(h.Epochs[i].GradNorm), len(h.Epochs[i].SaturatedByLayer))
	}
	return max(L, 0)
}

// layerActs are the activations of layers 1..L as Config.Act gives them:
// one for all, one per layer, or hidden,output; "" where it does not say.
func layerActs(c train.Config, L int) []string {
	acts := make([]string, L)
	if layers, err := c.Act.Layers(L); err == nil { // the one parser of --act (derive.Acts)
		for l, a := range layers {
			acts[l] = a.String()
		}
	}
	return acts
}

// saturatingLayers are the layers, numbered from 1, whose activation
// (acts[ℓ−1]) saturates (sigmoid, tanh), or is not known.
func saturatingLayers(acts []string) []int {
	var layers []int
	for i, a := range acts {
		if act, err := derive.ParseActivation(a); a == "" || err == nil && act.Saturation(1) > 0 {
			layers = append(layers, i+1)
		}
	}
	return layers
}

// layerName is the legend's name of layer l: "layer 1: 784→30 sigmoid".
func layerName(c train.Config, acts []string, l int) string {
	s := fmt.Sprintf("layer %d", l)
	if l < len(c.Net) {
		s += fmt.Sprintf(": %d→%d", c.Net[l-1], c.Net[l])
	}
	if a := acts[l-1]; a != "" {
		s += " " + a
	}
	return s
}

// saturationLabel is saturation.png's y label, with the thresholds used.
func saturationLabel(c train.Config, acts []string) string {
	th := c.Saturation
	if th == 0 {
		th = train.DefaultSaturation
	}
	var parts []string
	for _, a := range derive.Activations {
		if a.Saturation(th) > 0 && slices.Contains(acts, a.String()) {
			parts = append(parts, fmt.Sprintf("|z| > %g (%s)", a.Saturation(th), a))
		}
	}
	if len(parts) == 0 {
		return "saturated units (%)"
	}
	return "units with " + strings.Join(parts, ", ") + " (%)"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func joinInts(v []int) string {
	if len(v) == 0 {
		return "—"
	}
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ",")
}

package plots

import (
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/train"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

var nan = train.Float(math.NaN())

// plateauHistory is a synthetic record shaped like the uniform [0,1) run:
// the hidden layer's gradient at 1e-13 and its units all saturated, the
// accuracy at chance, the cost falling by the output layer alone.
func plateauHistory() *train.History {
	h := &train.History{
		Config: train.Config{Data: "mnist", Net: []int{784, 30, 10}, Act: derive.Acts{derive.Sigmoid}, Cost: derive.Quadratic,
			Reduction: derive.Mean, Init: derive.Uniform01, Eta: 3, Batch: 10, TrainSize: 5000},
		Sets:          train.SetNames{Train: "mnist-train[:5000]", Validation: "mnist-validation", Test: "mnist-test", Samples: "mnist-validation[:1000]"},
		StepsPerEpoch: 500,
		Stopped:       train.MaxEpochs,
	}
	for e := range 4 {
		c := train.Float(4.5 - 0.5*float64(e))
		h.Epochs = append(h.Epochs, train.Epoch{Epoch: e, TrainCost: c, ValidationCost: c + 0.01, TestCost: c + 0.02,
			TrainAccuracy: 0.098, ValidationAccuracy: 0.099, TestAccuracy: 0.0982,
			GradNorm: []train.Float{train.Float(1.5e-13 * float64(e+1)), 2.8e-5}, GradTotal: 2.8e-5,
			SaturatedFraction: 0.9, SaturatedByLayer: []train.Float{1, 0.6}})
	}
	for _, s := range []int{1, 2, 5, 10, 20, 50, 100, 150, 200, 250, 300, 350, 400, 450} {
		h.FirstEpoch = append(h.FirstEpoch, train.Sample{Step: s, Examples: 10 * s, Cost: train.Float(4.5 - 0.001*float64(s)),
			Accuracy: 0.099, SaturatedFraction: 1})
	}
	return h
}

// brokenHistory has every way a record can lack numbers: no validation set
// (NaN), a cross-entropy of +Inf, an exactly zero gradient, a NaN gradient,
// an epoch cut short, a divergence, short per-layer lists and a first
// epoch whose samples are all NaN.
func brokenHistory() *train.History {
	h := plateauHistory()
	h.Sets.Validation = ""
	h.Divergence = &train.Divergence{Epoch: 4, Step: 17, What: "the batch cost is +Inf"}
	h.Stopped = train.Diverged
	for i := range h.Epochs {
		e := &h.Epochs[i]
		e.ValidationCost, e.ValidationAccuracy = nan, nan
	}
	h.Epochs[1].TrainCost = train.Float(math.Inf(1))
	h.Epochs[1].GradNorm[0] = 0
	h.Epochs[2].GradNorm[1] = nan
	h.Epochs[2].SaturatedByLayer = nil
	h.Epochs[3].Partial, h.Epochs[3].Steps = true, 120
	for i := range h.FirstEpoch {
		h.FirstEpoch[i].Cost, h.FirstEpoch[i].Accuracy, h.FirstEpoch[i].SaturatedFraction = nan, nan, nan
	}
	return h
}

// allNaN has no finite number at all, and no net.
func allNaN() *train.History {
	h := &train.History{}
	for e := range 3 {
		h.Epochs = append(h.Epochs, train.Epoch{Epoch: e, TrainCost: nan, ValidationCost: nan, TestCost: nan,
			TrainAccuracy: nan, ValidationAccuracy: nan, TestAccuracy: nan,
			GradNorm: []train.Float{nan, nan}, GradTotal: nan, SaturatedFraction: nan, SaturatedByLayer: []train.Float{nan, nan}})
	}
	h.FirstEpoch = []train.Sample{{Step: 1, Cost: nan, Accuracy: nan, SaturatedFraction: nan}}
	return h
}

// decodePNG opens a figure and checks its size: 7 inches wide at
// gonum/plot's 96 dpi, 4.5 inches high (7 for the two panels of the first
// epoch).
func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err, path)
	assert.Equal(t, 7*96, img.Bounds().Dx(), path)
	high := 9 * 96 / 2
	if filepath.Base(path) == "first-epoch.png" {
		high = 7 * 96
	}
	assert.Equal(t, high, img.Bounds().Dy(), path)
	return img
}

func TestHistoryWritesFigures(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    *train.History
	}{
		{"plateau", plateauHistory()},
		{"NaN, Inf, zero, diverged", brokenHistory()},
		{"all NaN", allNaN()},
		{"no epochs", &train.History{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			paths, err := History(tc.h, dir)
			require.NoError(t, err)
			require.Len(t, paths, len(HistoryFigures))
			for i, p := range paths {
				assert.Equal(t, filepath.Join(dir, HistoryFigures[i].File), p)
				decodePNG(t, p)
			}
			if out := os.Getenv("BACKPROOF_PLOTS"); out != "" { // to look at them
				for _, p := range paths {
					raw, _ := os.ReadFile(p)
					name := strings.ReplaceAll(tc.name, " ", "") + "-" + filepath.Base(p)
					require.NoError(t, os.WriteFile(filepath.Join(out, name), raw, 0o644))
				}
			}
		})
	}
}

// A run of train on a synthetic set draws the same five files.
func TestHistoryOfARun(t *testing.T) {
	h := runXOR(t)
	paths, err := History(h, t.TempDir())
	require.NoError(t, err)
	for _, p := range paths {
		decodePNG(t, p)
	}
}

func TestHistoryErrors(t *testing.T) {
	_, err := History(nil, t.TempDir())
	assert.Error(t, err)
	_, err = History(plateauHistory(), filepath.Join(t.TempDir(), "missing"))
	assert.ErrorContains(t, err, "missing")
}

func TestHistoryCaptions(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range HistoryFigures {
		assert.True(t, strings.HasSuffix(f.File, ".png"), f.File)
		assert.False(t, seen[f.File], "file %s twice", f.File)
		seen[f.File] = true
		assert.NotEmpty(t, f.Title, f.File)
		assert.Greater(t, len(f.Caption), 200, "%s: a caption says what it shows and what to conclude", f.File)
	}
	for _, want := range []string{"cost.png", "accuracy.png", "grad-norm.png", "saturation.png", "first-epoch.png"} {
		assert.True(t, seen[want], want)
	}
}

func TestRunName(t *testing.T) {
	assert.Equal(t, "mnist, 5000 training examples, net 784,30,10 sigmoid, quadratic cost, init uniform01, η 3, mean over batch 10",
		RunName(plateauHistory()))
	assert.True(t, strings.HasSuffix(RunName(brokenHistory()), ", diverged at epoch 4, step 17"))
	// The zero Config is the defaults, named as such.
	assert.Equal(t, "a training run, quadratic cost, init normal, mean", RunName(&train.History{}))
}

// The plateau's gradient axis runs from below 1.5e-13 to 1e-4, with room
// beyond the data at both ends (no point on the frame); an exact zero gets
// a decade of its own below, and room below that.
func TestGradNormAxis(t *testing.T) {
	panels, err := gradNormPlots(plateauHistory(), "")
	require.NoError(t, err)
	y := panels[0].Y
	lo := math.Log10(1.5e-13)
	// pad = span/20 = (−4 − lo)/20 ≈ 0.41; lo is 0.18 above −13, under
	// half a pad, so the axis goes a pad below lo.
	assert.InDelta(t, lo-(math.Log10(1e-5)+1-lo)/20, y.Min, 0.05)
	assert.Less(t, y.Min, lo-0.2)
	assert.Equal(t, -4.0, y.Max, "1e-4 is well above 2.8e-5")
	labels := tickLabels(y.Tick.Marker.Ticks(y.Min, y.Max))
	assert.Equal(t, []string{"1e-12", "1e-10", "1e-8", "1e-6", "1e-4"}, labels)

	panels, err = gradNormPlots(brokenHistory(), "")
	require.NoError(t, err)
	y = panels[0].Y
	assert.Less(t, y.Min, -14.0, "zero drawn at −14, one decade below 1e-13, with room below it")
	assert.Greater(t, y.Min, -15.0)
	assert.Equal(t, "0", tickLabels(y.Tick.Marker.Ticks(y.Min, y.Max))[0])
}

func TestLogTicks(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lo, hi float64
		want   []string
	}{
		{"two decades: 1, 2, 5", -2, 0, []string{"0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1"}},
		{"three decades", 0, 3, []string{"1", "10", "100", "1000"}},
		{"four decades: powers", 0, 4, []string{"1", "1e1", "1e2", "1e3", "1e4"}},
		{"seventy decades: every tenth", -1, 71, []string{"1", "1e10", "1e20", "1e30", "1e40", "1e50", "1e60", "1e70"}},
		{"sixteen decades: every other", -15, 1, []string{"1e-14", "1e-12", "1e-10", "1e-8", "1e-6", "1e-4", "1e-2", "1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tickLabels(logTicks{}.Ticks(tc.lo, tc.hi)))
		})
	}
}

// The cost axis is log10 in every run, so that two runs' figures compare
// side by side, with room beyond the data at both ends.
func TestCostAxis(t *testing.T) {
	// 4.5 to 3: inside the decade 1 to 10.
	panels, err := costPlots(plateauHistory(), "")
	require.NoError(t, err)
	assert.Equal(t, 0.0, panels[0].Y.Min)
	assert.Equal(t, 1.0, panels[0].Y.Max)
	assert.Equal(t, "cost per example (log10 scale)", panels[0].Y.Label.Text)
	// 2.3 to 0.02: log10, 0.01 to 10.
	h := plateauHistory()
	for i := range h.Epochs {
		h.Epochs[i].TrainCost = train.Float(2.3 * math.Pow(10, -float64(i)*2/3))
	}
	panels, err = costPlots(h, "")
	require.NoError(t, err)
	assert.Equal(t, -2.0, panels[0].Y.Min)
	assert.Equal(t, 1.0, panels[0].Y.Max)
}

// A series that lies on an earlier one is named "(≈ earlier)" and the
// earlier one is widened beneath it, so that both show.
func TestOverlapWidens(t *testing.T) {
	c := newChart("", panelHeight)
	c.pl.Y.Min, c.pl.Y.Max = 0, 10
	xy := plotter.XYs{{X: 0, Y: 1}, {X: 1, Y: 2}}
	require.NoError(t, c.add(series{name: "training", xy: xy, color: trainColor}))
	require.NoError(t, c.add(series{name: "test", xy: plotter.XYs{{X: 0, Y: 1.05}, {X: 1, Y: 2}}, color: testColor}))
	require.NoError(t, c.add(series{name: "other", xy: plotter.XYs{{X: 0, Y: 5}, {X: 1, Y: 2}}, color: grey}))
	assert.Greater(t, c.drawn[0].line.Width, c.drawn[1].line.Width)
	assert.Equal(t, c.drawn[1].line.Width, c.drawn[2].line.Width)
	assert.Equal(t, []string{"training", "test (≈ training)", "other"}, c.names)
}

// Only sigmoid and tanh layers are drawn in saturation.png.
func TestSaturationLayers(t *testing.T) {
	h := plateauHistory()
	h.Config.Net, h.Config.Act = []int{784, 30, 20, 10}, derive.Acts{derive.ReLU, derive.Tanh, derive.Softmax}
	for i := range h.Epochs {
		h.Epochs[i].SaturatedByLayer = []train.Float{0, 0.5, 0}
	}
	panels, err := saturationPlots(h, "")
	require.NoError(t, err)
	assert.Equal(t, "units with |z| > 2.5 (tanh) (%)", panels[0].Y.Label.Text)
	assert.Equal(t, []int{2}, saturatingLayers(layerActs(h.Config, 3)))
	assert.Equal(t, []int{1, 2}, saturatingLayers([]string{"sigmoid", ""}), "unknown activations are drawn")
}

func tickLabels(ticks []plot.Tick) []string {
	var s []string
	for _, t := range ticks {
		if t.Label != "" {
			s = append(s, t.Label)
		}
	}
	return s
}

// runXOR trains [2,4,2] sigmoid on 200 XOR examples for three epochs,
// with a validation set and no test set.
func runXOR(t *testing.T) *train.History {
	t.Helper()
	all, err := data.Synthetic("xor", 300, 1)
	require.NoError(t, err)
	h, err := train.Run(train.Config{Net: []int{2, 4, 2}, Eta: 2, Epochs: 3, TrainSize: 200}, all, all.Subset(100), nil, nil)
	require.NoError(t, err)
	return h
}

// A diverged run whose gradient reaches 1e120: the axis has a tick only
// where it has a label (no comb of 120 unlabelled ticks), room above the
// last point, and the divergence is marked with a cross above the data.
func TestDivergedAxis(t *testing.T) {
	h := plateauHistory()
	for i := range h.Epochs {
		h.Epochs[i].GradNorm[1] = train.Float(math.Pow(10, 40*float64(i)))
	}
	h.Divergence = &train.Divergence{Epoch: 4, Step: 17, What: "the batch cost is +Inf"}
	h.Stopped = train.Diverged
	panels, err := gradNormPlots(h, "")
	require.NoError(t, err)
	y := panels[0].Y
	ticks := y.Tick.Marker.Ticks(y.Min, y.Max)
	assert.LessOrEqual(t, len(ticks), 10, "one tick per labelled decade only")
	for _, tk := range ticks {
		assert.NotEmpty(t, tk.Label, "an unlabelled tick at %g", tk.Value)
	}
	assert.Greater(t, y.Max, 120.0, "room above the last point, 1e120")
	assert.Less(t, y.Min, math.Log10(1.5e-13), "room below the lowest point")
	x := panels[0].X
	assert.Greater(t, x.Max, 3+17.0/500, "the divergence, in epoch 4, is inside the x range")
}

// A flat series at 100% (or 0%) is drawn inside the frame, not on it.
func TestPercentAxisRoom(t *testing.T) {
	panels, err := saturationPlots(plateauHistory(), "")
	require.NoError(t, err)
	assert.Greater(t, panels[0].Y.Max, 100.0)
	assert.Less(t, panels[0].Y.Min, 0.0)
}

package plots

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/curvature"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/experiments"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
	"github.com/backproof/backproof/train"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/vg"
)

func compareCode(s string) compare.Code { return compare.Code(s) }

func experimentsProblem() (*problem.Problem, error) { return problem.Random(experiments.GradcheckSpec) }

// Each caption test feeds the caption data that make a claim true, then
// data that make it false, and checks the claim comes and goes with it.

func TestNumAndAbout(t *testing.T) {
	for x, want := range map[float64]string{4.2e-9: "4.2e-9", 0.0042: "0.0042", 3: "3", 1e-5: "1e-5", 1.5e-15: "1.5e-15", 250: "250", 0.00015: "0.00015", 123456: "1.2e5"} {
		assert.Equal(t, want, num(x), "num(%g)", x)
	}
	// "about 1e-10" only within a factor √10 of 1e-10, for any x.
	for e := -16.0; e <= 2; e += 0.037 {
		x := math.Pow(10, e)
		got, err := strconv.ParseFloat(about(x), 64)
		require.NoError(t, err)
		assert.LessOrEqual(t, math.Abs(math.Log10(got/x)), 0.5+1e-9, "about(%g) = %g", x, got)
	}
	assert.Equal(t, "1e-8", about(4.5e-9))
	assert.Equal(t, "1e-10", about(3e-10))
}

// vCurves are step curves with the given best errors at their best steps.
func vCurves(bests map[numgrad.Method]float64) []experiments.StepCurve {
	var cs []experiments.StepCurve
	for _, m := range numgrad.Methods {
		c := experiments.StepCurve{Method: m, Steps: experiments.Steps(m)}
		mid := len(c.Steps) / 2
		for i := range c.Steps {
			e := bests[m] * math.Pow(10, math.Abs(float64(i-mid))/2)
			if m == numgrad.ComplexStep && i > mid {
				e = bests[m] // flat to the smallest step
			}
			c.Errors = append(c.Errors, e)
		}
		c.DefaultError = bests[m] * 2
		cs = append(cs, c)
	}
	return cs
}

func TestStepCaption(t *testing.T) {
	bests := map[numgrad.Method]float64{numgrad.Central: 4e-9, numgrad.Forward: 7e-7, numgrad.Backward: 4e-7,
		numgrad.FivePoint: 4e-11, numgrad.Richardson: 9e-11, numgrad.ComplexStep: 3.5e-15}
	c := StepCaption(vCurves(bests))
	assert.Contains(t, c, "central differences to about 1e-8")
	assert.Contains(t, c, "five-point and Richardson to about 1e-10")
	assert.Contains(t, c, "the complex step to about 1e-14")
	assert.Contains(t, c, "falls, then rises")
	assert.Contains(t, c, "stays within 3 times")
	assert.NotContains(t, c, "about 1e-13")

	// Central a hundred times better: the caption follows the data.
	bests[numgrad.Central] = 5e-11
	assert.Contains(t, StepCaption(vCurves(bests)), "central differences to about 1e-10")

	// No V when the best step is at the end of the sweep; no flat floor
	// when the complex step's error rises at small steps.
	cs := vCurves(bests)
	for i := range cs[0].Errors {
		cs[0].Errors[i] = 1e-3 / float64(i+1)
	}
	last := len(cs) - 1
	require.Equal(t, numgrad.ComplexStep, cs[last].Method)
	for i := range cs[last].Errors {
		cs[last].Errors[i] = 1e-15 * math.Pow(10, math.Abs(float64(i-5)))
	}
	c = StepCaption(cs)
	assert.NotContains(t, c, "falls, then rises")
	assert.NotContains(t, c, "stays within 3 times")
}

// gradRow is a planted row with the relative errors rel (the same for
// both 6×6 layers) and the diagnosis codes.
func gradRow(name string, code string, rel func(i, j int) float64, diagnosed []string) experiments.GradcheckRow {
	row := experiments.GradcheckRow{Floor: 1e-9}
	row.Name, row.Code = name, compareCode(code)
	for range 2 {
		re, ae := mat.NewDense(6, 6, nil), mat.NewDense(6, 6, nil)
		for i := range 6 {
			for j := range 6 {
				re.Set(i, j, rel(i, j))
				ae.Set(i, j, 1) // far above the floor: every entry judged
			}
		}
		row.RelError, row.AbsError = append(row.RelError, re), append(row.AbsError, ae)
		row.Diagnosed = append(row.Diagnosed, diagnosed)
	}
	return row
}

func TestGradcheckCaption(t *testing.T) {
	gp, err := experimentsProblem()
	require.NoError(t, err)
	m := float64(gp.Batch())
	uniform := func(i, j int) float64 { return (m - 1) / m }
	diag := func(i, j int) float64 {
		if i == j {
			return 1e-9
		}
		return 0.5
	}
	g := &experiments.Gradcheck{Problem: gp, Rows: []experiments.GradcheckRow{
		gradRow("correct", "", func(i, j int) float64 { return 1e-9 }, nil),
		gradRow("missing 1/m", "missing-1/m", uniform, []string{"missing-1/m"}),
		gradRow("transposed", "transposed", diag, []string{"transposed"}),
		gradRow("f′ of A", "fprime-of-A", func(i, j int) float64 { return 0.3 }, nil),
	}}
	c := GradcheckCaption(g)
	assert.Contains(t, c, fmt.Sprintf("every entry off by (m−1)/m = %s", num((m-1)/m)))
	assert.Contains(t, c, "the diagonal agrees")
	assert.Contains(t, c, "W¹ agrees, W² agrees")
	assert.Contains(t, c, "wrong, no classic mistake reproduces it")
	assert.NotContains(t, c, "no mistake found")

	// One entry off the uniform error, one diagonal entry wrong: both
	// claims go.
	g.Rows[1].RelError[0].Set(2, 3, 0.5)
	g.Rows[2].RelError[1].Set(4, 4, 0.5)
	c = GradcheckCaption(g)
	assert.NotContains(t, c, "every entry off by")
	assert.NotContains(t, c, "the diagonal agrees")
	// A correct gradient off by more than the tolerance is not "agrees".
	g.Rows[0].RelError[0].Set(0, 0, 1e-3)
	assert.Contains(t, GradcheckCaption(g), "W¹ wrong, no classic mistake reproduces it")
}

// history is a run whose test accuracy (fractions) and layer-1 saturation
// (fractions) and gradient are given per epoch.
func history(in derive.Init, red derive.Reduction, batch int, eta float64, acc, sat, grad1 []float64) *train.History {
	h := &train.History{Config: train.Config{Net: []int{784, 30, 10}, Init: in, Reduction: red, Batch: batch, Eta: eta, Epochs: len(acc) - 1},
		Sets: train.SetNames{Train: "mnist-train[:10000]"}, StepsPerEpoch: 10000 / batch}
	for e := range acc {
		h.Epochs = append(h.Epochs, train.Epoch{Epoch: e, TestAccuracy: train.Float(acc[e]), ValidationAccuracy: nan,
			TrainCost: train.Float(1 - acc[e]), SaturatedByLayer: []train.Float{train.Float(sat[e]), 0},
			GradNorm: []train.Float{train.Float(grad1[e]), 0.01}, DistinctPredictions: 10})
	}
	return h
}

func initRuns(stuckAcc, stuckSat float64) []experiments.Run {
	return []experiments.Run{
		{Label: "normal", History: history(derive.Normal, derive.Mean, 10, 3, []float64{0.1, 0.8, 0.887}, []float64{0.58, 0.7, 0.77}, []float64{0.5, 0.1, 0.05})},
		{Label: "uniform01", History: history(derive.Uniform01, derive.Mean, 10, 3, []float64{0.098, stuckAcc, stuckAcc}, []float64{1, stuckSat, 1}, []float64{1e-13, 2e-13, 3e-13})},
	}
}

func TestInitCaptions(t *testing.T) {
	runs := initRuns(0.098, 1)
	acc := InitAccuracyCaption(runs)
	assert.Contains(t, acc, "U[0,1) stays at chance: 9.8%")
	assert.Contains(t, acc, "N(0,1) 88.7%")
	assert.Contains(t, acc, "the mistake is the start")
	sat := SaturationCaption(runs)
	assert.Contains(t, sat, "U[0,1) puts every hidden unit there")
	assert.Contains(t, sat, "N(0,1) goes from 58.0% to 77.0%")
	assert.Contains(t, sat, "Saturation is fatal only when it is total")
	assert.Contains(t, GradientNormsCaption(runs), "11 decades below")

	// U[0,1) learning after all, and one epoch below total saturation:
	// neither claim survives.
	runs = initRuns(0.5, 0.9)
	assert.NotContains(t, InitAccuracyCaption(runs), "stays at chance")
	assert.NotContains(t, InitAccuracyCaption(runs), "the mistake is the start")
	assert.NotContains(t, SaturationCaption(runs), "every hidden unit")
	assert.NotContains(t, SaturationCaption(runs), "fatal only when")
	assert.NotContains(t, GradientNormsCaption(runs), "decades below")
}

func TestLearningRateCaption(t *testing.T) {
	flat := []float64{0.5, 0.5, 0.5}
	g := []float64{0.1, 0.1, 0.1}
	var runs []experiments.Run
	for _, c := range []struct {
		eta float64
		acc []float64
	}{{0.001, []float64{0.1, 0.105, 0.11}}, {3, []float64{0.1, 0.8, 0.887}}, {10, []float64{0.1, 0.8, 0.899}}, {100, []float64{0.1, 0.14, 0.14}}} {
		runs = append(runs, experiments.Run{Label: fmt.Sprintf("η = %g", c.eta), History: history(derive.Normal, derive.Mean, 10, c.eta, c.acc, flat, g)})
	}
	c := LearningRateCaption(runs)
	assert.Contains(t, c, "η = 10 ends highest, at 89.9%")
	assert.Contains(t, c, "too small, η = 0.001 (11.0%")
	assert.Contains(t, c, "too large, η = 100 (14.0%")
	assert.NotContains(t, c, "cross", "no run diverged")
	assert.NotContains(t, c, "(≈")
	runs[3].History.Divergence = &train.Divergence{Epoch: 2}
	assert.Contains(t, LearningRateCaption(runs), "η = 100 diverged")
}

func TestBatchCaption(t *testing.T) {
	var runs []experiments.Run
	acc := map[string][]float64{"sum": {0.78, 0.32, 0.097}, "mean": {0.78, 0.887, 0.544}, "sum at η/m": {0.78, 0.887, 0.544}}
	for _, kind := range []string{"sum", "mean", "sum at η/m"} {
		for i, m := range []int{1, 10, 100} {
			red, eta := derive.Sum, 3.0
			if kind == "mean" {
				red = derive.Mean
			}
			if kind == "sum at η/m" {
				eta = 3 / float64(m)
			}
			runs = append(runs, experiments.Run{Label: fmt.Sprintf("%s, m = %d", kind, m),
				History: history(derive.Normal, red, m, eta, []float64{0.1, acc[kind][i]}, []float64{0.5, 0.5}, []float64{0.1, 0.1})})
		}
	}
	c := BatchCaption(runs)
	assert.Contains(t, c, "fewer steps (10,000 an epoch at m = 1, 100 at m = 100)")
	assert.Contains(t, c, "At m = 1 the two are the same run")
	assert.Contains(t, c, "The sum at η/m lies on the mean (the same accuracy at every m)")
	assert.NotContains(t, c, "cross")

	// The sum at η/m off the mean by 3 points: no "lies on the mean".
	runs[7].History.Epochs[1].TestAccuracy = 0.857
	c = BatchCaption(runs)
	assert.NotContains(t, c, "lies on the mean")
	assert.Contains(t, c, "differs from the mean by up to 3.0 points")
}

func TestCurvatureCaption(t *testing.T) {
	probe := func(flat bool) *curvature.Result {
		l1 := curvature.BlockResult{Name: "layer 1", GradNorm: 9e-14, LambdaMin: -2e-13, LambdaMax: -2e-19}
		if !flat {
			l1.GradNorm = 1e-4
		}
		l1.Kind = curvature.Classify(l1.GradNorm, l1.LambdaMin, l1.LambdaMax, nil)
		l2 := curvature.BlockResult{Name: "layer 2", GradNorm: 2.8e-5, LambdaMin: -1.5e-4, LambdaMax: -2e-15}
		l2.Kind = curvature.Classify(l2.GradNorm, l2.LambdaMin, l2.LambdaMax, nil)
		return &curvature.Result{Kind: curvature.Classify(2.8e-5, -1.5e-4, 4e-14, nil), GradNorm: 2.8e-5, LambdaMin: -1.5e-4, LambdaMax: 4e-14,
			Blocks: []curvature.BlockResult{l1, l2}}
	}
	tr := &experiments.Track{Name: "MNIST, U[0,1) start", Unit: "epoch", At: []float64{0, 1, 4}, Probes: []*curvature.Result{probe(true), probe(true), probe(true)}}
	c := CurvatureCaption([]*experiments.Track{tr})
	assert.Contains(t, c, "layer 1 alone: flat at epochs 0–4")
	assert.Contains(t, c, "whole net: saddle at epochs 0–4")
	assert.Contains(t, c, "neither a saddle nor a minimum for layer 1")
	assert.Contains(t, c, "layer 2 is a saddle")
	assert.Contains(t, c, markNegLambda)

	// Layer 1 not flat at one probe: no plateau claim.
	tr.Probes[1] = probe(false)
	c = CurvatureCaption([]*experiments.Track{tr})
	assert.NotContains(t, c, "neither a saddle nor a minimum")
	assert.Contains(t, c, "flat at epoch 0, then minimum at epoch 1, then flat at epoch 4")
}

func TestLossSurfaceCaption(t *testing.T) {
	quad := func(name string, lmin, lmax float64) experiments.Slice {
		s := experiments.Slice{Name: name, LambdaMin: lmin, LambdaMax: lmax}
		for k := range 11 {
			s.A = append(s.A, -1+0.2*float64(k))
			s.B = append(s.B, -1+0.2*float64(k))
		}
		for _, a := range s.A {
			var row []float64
			for _, b := range s.B {
				row = append(row, 0.5*lmin*a*a+0.5*lmax*b*b)
			}
			s.Delta = append(s.Delta, row)
		}
		return s
	}
	c := LossSurfaceCaption([]experiments.Slice{quad("saddle", -2e-3, 8e-3), quad("bowl", 2e-3, 8e-3), quad("flat along b", -2e-3, 1e-15)})
	assert.Equal(t, 1, strings.Count(c, "a pass between two valleys"))
	assert.Equal(t, 1, strings.Count(c, "a bowl"))
	assert.Equal(t, 1, strings.Count(c, "the bands are vertical"))
	// A "bowl" with one dip below zero is not a bowl.
	s := quad("bowl", 2e-3, 8e-3)
	s.Delta[0][0] = -1e-6
	assert.NotContains(t, LossSurfaceCaption([]experiments.Slice{s}), "a bowl")
}

// Every method of numgrad has a row in methodStyles, and no two rows draw
// the same line: a new method is one row there, and without it this
// fails (StepSizePlot refuses to draw a method it has no style for).
func TestEveryMethodStyled(t *testing.T) {
	type look struct {
		color  color.RGBA
		dashes string
		width  vg.Length
	}
	seen := map[look]numgrad.Method{}
	for _, m := range numgrad.Methods {
		st, ok := methodStyles[m]
		require.True(t, ok, "no line style for %v", m)
		l := look{st.color, fmt.Sprint(st.dashes), st.width}
		other, dup := seen[l]
		assert.False(t, dup, "%v is drawn as %v is", m, other)
		seen[l] = m
	}
	assert.Len(t, methodStyles, len(numgrad.Methods), "a style for a method numgrad does not have")
	_, err := StepSizePlot([]experiments.StepCurve{{Method: numgrad.Method(len(numgrad.Methods)), Steps: []float64{1e-3}, Errors: []float64{1e-6}}}, "")
	assert.Error(t, err, "a method without a style is refused, not drawn in another's")
}

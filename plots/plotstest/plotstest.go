// Package plotstest holds what the tests of the report's figures and pages
// draw from: results shaped like the report's, made by hand.
package plotstest

import (
	"fmt"
	"math"
	"testing"

	"github.com/backproof/backproof/curvature"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/experiments"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
	"github.com/backproof/backproof/train"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// Results are hand-made numbers shaped like the report's (no training,
// no probing), so that the golden images test the drawing alone: V-shaped
// step curves, a diverged η, a run that sits on a saddle, a bowl and a
// saddle as quadratics.
func Results(t testing.TB) *experiments.Results {
	t.Helper()
	p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{6, 5, 4}, Batch: 7,
		Acts: []derive.Activation{derive.Tanh, derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean,
		Init: derive.NormalScaled, Seed: 1})
	require.NoError(t, err)
	r := &experiments.Results{Settings: experiments.QuickReport(), Data: "mnist-train[:10000]", StepProblem: p, Seconds: 42}

	// Step curves: truncation h^p on the right, rounding 1e-16/h on the left.
	orders := map[numgrad.Method]float64{numgrad.Central: 2, numgrad.Forward: 1, numgrad.Backward: 1,
		numgrad.FivePoint: 4, numgrad.Richardson: 4, numgrad.ComplexStep: 2}
	for _, m := range numgrad.Methods {
		c := experiments.StepCurve{Method: m, Steps: experiments.Steps(m)}
		errAt := func(h float64) float64 {
			e := math.Pow(h, orders[m])
			if m != numgrad.ComplexStep {
				e += 1e-16 / h
			}
			return math.Max(e, 3e-16)
		}
		for _, h := range c.Steps {
			c.Errors = append(c.Errors, errAt(h))
		}
		c.DefaultError = errAt(m.DefaultStep())
		r.StepCurves = append(r.StepCurves, c)
	}

	// Heat maps: noise, a uniform 0.9, a transposition, a bit of everything.
	gp, err := problem.Random(experiments.GradcheckSpec)
	require.NoError(t, err)
	g := &experiments.Gradcheck{Problem: gp}
	for k, name := range []string{"correct", "missing 1/m", "transposed", "f′ of A"} {
		row := experiments.GradcheckRow{Planted: experiments.Plantings[k], MaxRel: 0}
		row.Name = name
		for ℓ := range 2 {
			re := mat.NewDense(6, 6, nil)
			for i := range 6 {
				for j := range 6 {
					v := 1e-10 * float64(1+(i*7+j*3+ℓ)%5)
					switch k {
					case 1:
						v = 0.9
					case 2:
						if i != j {
							v = 0.2 + 0.1*float64((i+j)%7)
						}
					case 3:
						v = math.Pow(10, -1-float64((i+2*j)%4))
					}
					re.Set(i, j, v)
				}
			}
			row.RelError = append(row.RelError, re)
			row.Diagnosed = append(row.Diagnosed, map[int][]string{1: {"missing-1/m"}, 2: {"transposed"}, 3: {"fprime-of-A"}}[k])
		}
		g.Rows = append(g.Rows, row)
	}
	r.Gradcheck = g
	// The regularized problem's check is milliseconds: computed, not made
	// by hand.
	r.Regularization, err = experiments.RunRegcheck(experiments.RegcheckSpec)
	require.NoError(t, err)

	lp, err := problem.Random(experiments.LayoutsSpec)
	require.NoError(t, err)
	r.Layouts = &experiments.Layouts{Problem: lp,
		Shapes:   [][]string{{"8×5", "5×3"}, {"5×8", "3×5"}, {"5×8", "3×5"}},
		Pairs:    []string{"row vs column", "row vs per-example", "column vs per-example"},
		MaxDiff:  [][]float64{{0, 0}, {1.1e-16, 5.5e-17}, {1.1e-16, 5.5e-17}},
		BiasDiff: []float64{0, 2.2e-16, 2.2e-16}}
	r.LayoutGrads, err = experiments.RunLayoutGradients(experiments.LayoutsSpec)
	require.NoError(t, err)

	hist := func(init derive.Init, eta float64, red derive.Reduction, batch int, acc func(e int) float64, grad func(e, l int) float64) *train.History {
		h := &train.History{Config: train.Config{Net: []int{784, 30, 10}, Init: init, Eta: eta, Reduction: red, Batch: batch, Epochs: 4, Seed: 1},
			Sets: train.SetNames{Train: "mnist-train[:10000]", Test: "mnist-test"}, StepsPerEpoch: 1000, Stopped: train.MaxEpochs}
		for e := range 5 {
			a := acc(e)
			if math.IsNaN(a) {
				h.Divergence = &train.Divergence{Epoch: e, Step: 300, What: "the batch cost is NaN"}
				h.Stopped = train.Diverged
				break
			}
			h.Epochs = append(h.Epochs, train.Epoch{Epoch: e, TrainCost: train.Float(0.5 * (1 - a) / (1 + float64(e))),
				TestAccuracy: train.Float(a), ValidationAccuracy: train.Float(math.NaN()),
				GradNorm:         []train.Float{train.Float(grad(e, 1)), train.Float(grad(e, 2))},
				SaturatedByLayer: []train.Float{train.Float(math.Min(1, 0.3+0.5*(1-a))), 0.5}})
		}
		return h
	}
	learn := func(e int) float64 { return 0.1 + 0.8*(1-math.Exp(-1.5*float64(e))) }
	stuck := func(e int) float64 { return 0.098 }
	healthy := func(e, l int) float64 { return 0.05 / float64(l) / (1 + float64(e)) }
	for _, in := range experiments.ReportInits {
		a, gr := learn, healthy
		if in == derive.Uniform01 {
			a, gr = stuck, func(e, l int) float64 { return []float64{1.5e-13, 2.8e-5}[l-1] }
		}
		r.Inits = append(r.Inits, experiments.Run{Label: in.String(), History: hist(in, 3, derive.Mean, 10, a, gr)})
	}
	for _, eta := range experiments.ReportEtas {
		a := func(e int) float64 {
			return 0.1 + (0.85-0.75*math.Abs(math.Log10(eta/3))/3)*(1-math.Exp(-float64(e)*math.Min(eta, 3)))
		}
		if eta < 0.05 {
			a = stuck
		}
		if eta == 100 {
			a = func(e int) float64 {
				if e >= 2 {
					return math.NaN()
				}
				return 0.1 + 0.3*float64(e)
			}
		}
		r.Etas = append(r.Etas, experiments.Run{Label: fmt.Sprintf("η = %g", eta), History: hist(derive.Normal, eta, derive.Mean, 10, a, healthy)})
	}
	for _, red := range []derive.Reduction{derive.Sum, derive.Mean} {
		for _, m := range experiments.ReportBatches {
			a := learn
			if red == derive.Sum && m == 100 {
				a = stuck
			}
			if red == derive.Sum && m == 1000 {
				a = func(e int) float64 {
					if e >= 1 {
						return math.NaN()
					}
					return 0.1
				}
			}
			r.Batches = append(r.Batches, experiments.Run{Label: fmt.Sprintf("%s, m = %d", red, m), History: hist(derive.Normal, 3, red, m, a, healthy)})
		}
	}
	for _, m := range experiments.ReportBatches {
		r.Batches = append(r.Batches, experiments.Run{Label: fmt.Sprintf("sum at η/m, m = %d", m), History: hist(derive.Normal, 3/float64(m), derive.Sum, m, learn, healthy)})
	}

	// A saddle run: the symmetric one flat at 0.22, the nudged one leaving
	// at step 4000, the random one falling at once.
	sad := &experiments.Saddle{Settings: experiments.SaddleSettings{Examples: 40, Hidden: 2, Eta: 5, Steps: 8000, Perturb: 1e-6, Decay: 1e-3, GradTol: 1e-6, Seed: 2},
		Escape: 4020, Probe: &curvature.Result{Kind: curvature.Saddle, GradNorm: 1e-16, LambdaMin: -5.8e-4, LambdaMax: 0.13}}
	traj := func(name string, cost func(s float64) float64, grad func(s float64) float64) experiments.Trajectory {
		tr := experiments.Trajectory{Name: name}
		for s := 0; s <= 8000; s += 20 {
			tr.Steps = append(tr.Steps, s)
			tr.Cost = append(tr.Cost, cost(float64(s)))
			tr.GradNorm = append(tr.GradNorm, grad(float64(s)))
		}
		return tr
	}
	sig := func(s, at float64) float64 { return 1 / (1 + math.Exp((s-at)/200)) }
	sad.Symmetric = traj("symmetric start", func(s float64) float64 { return 0.221 + 0.1*math.Exp(-s/300) },
		func(s float64) float64 { return math.Max(1e-16, 0.1*math.Exp(-s/150)) })
	sad.Nudged = traj("symmetric start nudged by 1e-06", func(s float64) float64 { return 0.11 + 0.111*sig(s, 4000) + 0.1*math.Exp(-s/300) },
		func(s float64) float64 {
			return 0.1*math.Exp(-s/150) + 1e-3*math.Exp(-math.Pow((s-4000)/300, 2)) + 1e-15
		})
	sad.Random = traj("random start, N(0,1)/√n_in", func(s float64) float64 { return 0.11 + 0.15*math.Exp(-s/500) },
		func(s float64) float64 { return 0.05*math.Exp(-s/500) + 1e-15 })
	r.Saddle = sad

	track := func(name, unit string, at []float64, kinds func(i int) (g, lmin, lmax float64), blocks ...[3]float64) *experiments.Track {
		tr := &experiments.Track{Name: name, Unit: unit, At: at}
		for i := range at {
			g, lo, hi := kinds(i)
			rep := &curvature.Result{Kind: curvature.Classify(g, lo, hi, nil), GradNorm: g, LambdaMin: lo, LambdaMax: hi}
			for k, b := range blocks {
				rep.Blocks = append(rep.Blocks, curvature.BlockResult{Name: fmt.Sprintf("layer %d", k+1), GradNorm: b[0], LambdaMin: b[1], LambdaMax: b[2],
					Kind: curvature.Classify(b[0], b[1], b[2], nil)})
			}
			tr.Probes = append(tr.Probes, rep)
		}
		return tr
	}
	var steps []float64
	for s := 0.0; s <= 8000; s += 400 {
		steps = append(steps, s)
	}
	r.Tracks = []*experiments.Track{
		track("XOR, symmetric start nudged", "step", steps, func(i int) (float64, float64, float64) {
			if steps[i] < 4000 {
				return 1e-3 * math.Exp(-steps[i]/500), -5.8e-4, 0.13
			}
			return 1e-9, 1.4e-3, 0.11
		}),
		track("MNIST, U[0,1) start", "epoch", []float64{0, 1, 2, 4}, func(i int) (float64, float64, float64) {
			return 2.8e-5, -1.5e-4, 4e-14
		}, [3]float64{9e-14, -2e-13, -2e-19}, [3]float64{2.8e-5, -1.5e-4, -2e-15}),
		track("MNIST, N(0,1) start", "epoch", []float64{0, 1, 2, 4}, func(i int) (float64, float64, float64) {
			return 0.3 / float64(1+i), -0.02 / float64(1+i), 3
		}),
	}
	quad := func(name string, kind curvature.Kind, lmin, lmax float64) experiments.Slice {
		s := experiments.Slice{Name: name, Kind: kind, LambdaMin: lmin, LambdaMax: lmax, C0: 0.2}
		for k := range 11 {
			s.A = append(s.A, -1+0.2*float64(k))
			s.B = append(s.B, -0.5+0.1*float64(k))
		}
		s.Delta = make([][]float64, 11)
		for i, a := range s.A {
			for _, b := range s.B {
				s.Delta[i] = append(s.Delta[i], 0.5*lmin*a*a+0.5*lmax*b*b)
			}
		}
		return s
	}
	r.Slices = []experiments.Slice{quad("saddle", curvature.Saddle, -2e-3, 8e-3), quad("plateau", curvature.Flat, -1e-9, 1e-9),
		quad("minimum", curvature.Minimum, 2e-3, 8e-3)}
	return r
}

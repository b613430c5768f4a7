package backproof

import (
	"math/rand/v2"
	"time"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
	"gonum.org/v1/gonum/floats"
)

// Directional is the result of a directional check: for each of a few
// random unit vectors v, the analytic derivative of C along v,
//
//	∂C/∂v = vᵀ∇C        (∇C from backpropagation),
//
// against the numeric one, the method's one-dimensional difference of
// t ↦ C(θ + t v) at t = 0 (numgrad.Directional), or Im C(θ + i h v)/h for
// the complex step (numgrad.ComplexDirectional). This is PyTorch
// gradcheck's fast mode for a scalar cost: a handful of forward passes
// instead of two per parameter, so it serves networks with millions of
// parameters. It cannot say which entry is wrong, only that some are: a
// wrong ∇C is wrong along almost every direction.
type Directional struct {
	Seed       uint64      // the seed of the directions
	Directions []Direction // one per direction, in the order drawn
}

// Direction is one direction's comparison: compare's Entry, with Param
// {Name: "v", Row: k} for the k-th direction, Analytic vᵀ∇C, Numeric the
// difference of C along v, and Kink set when a relu pre-activation changes
// sign between the points of the stencil along v (for the complex step:
// has real part exactly 0); such a direction is not judged.
type Direction = compare.Entry

// directionStream is the second word of the PCG state of the directions,
// so that seed 1 for the directions is not the problem's seed 1 stream.
const directionStream = 0xd1ec7105

// checkDirectional is Check with set.Directions > 0.
func checkDirectional(p *problem.Problem, set Settings, start time.Time) *Report {
	trace := p.Net.Backprop(p.X, p.Y)
	r := &Report{Problem: p, Trace: trace, Value: trace.Cost, Method: set.Method, Step: set.Step,
		Analytic: trace.Grad(nil), Directional: &Directional{Seed: set.Seed}}
	θ := p.Net.Params(nil)
	cost := func(x []float64) float64 {
		n := p.Net.In(p.Net.Convention)
		n.SetParams(x)
		return n.Loss(p.X, p.Y)
	}
	loss := func(z []complex128) complex128 { return p.Net.ComplexLoss(z, p.X, p.Y) }
	kinked := false
	for _, l := range p.Net.Layers {
		kinked = kinked || l.Act.Kinked()
	}
	rng := rand.New(rand.NewPCG(set.Seed, directionStream))
	K := set.Directions
	analytic, numeric, kinks := make([]float64, K), make([]float64, K), make([]bool, K)
	for k := range K {
		v := numgrad.RandomDirection(rng, len(θ))
		analytic[k] = floats.Dot(v, r.Analytic)
		if set.Method == numgrad.ComplexStep {
			numeric[k] = numgrad.ComplexDirectional(loss, θ, v, set.Step)
			kinks[k] = kinked && complexAtKink(p, θ, v, set.Step)
			continue
		}
		numeric[k] = numgrad.Directional(cost, θ, v, &numgrad.Settings{Method: set.Method, Step: set.Step, Concurrent: true})
		kinks[k] = kinked && straddles(p, θ, v, set.Method, set.Step)
	}
	if set.Floor == 0 {
		set.Floor = NoiseFloor(r.Value, set.Method, set.Step)
	}
	direction := func(k int) derive.Param { return derive.Param{Name: "v", Row: k} }
	r.Comparison = compare.Gradients(analytic, numeric, direction, func(k int) bool { return kinks[k] },
		&compare.Settings{Floor: set.Floor, Tol: set.Tol, Worst: set.Worst})
	r.Directional.Directions = r.Comparison.Entries
	r.Outcome = directionalOutcome(r.Comparison)
	r.Seconds = time.Since(start).Seconds()
	return r
}

// directionalOutcome reads a directional comparison. It is not confirmed
// over a ladder of steps, as an entry-by-entry check is; so only a
// difference above 1e-2 (CS231n's "wrong") is called the gradient's, and
// anything between the tolerance and that cannot be told from the step.
func directionalOutcome(c *compare.Result) Outcome {
	switch {
	case c.Pass:
		return Agree
	case c.Verdict == compare.Wrong:
		return Disagree
	}
	return CannotTell
}

// complexAtKink reports whether the complex step i·h·v reaches a
// pre-activation of a kinked layer whose real part is exactly 0.
func complexAtKink(p *problem.Problem, θ, v []float64, h float64) bool {
	z := make([]complex128, len(θ))
	for i := range θ {
		z[i] = complex(θ[i], h*v[i])
	}
	Z, _ := p.Net.ComplexForward(z, p.X)
	for ℓ, l := range p.Net.Layers {
		if !l.Act.Kinked() {
			continue
		}
		for _, c := range Z[ℓ+1] {
			if real(c) == 0 && imag(c) != 0 {
				return true
			}
		}
	}
	return false
}

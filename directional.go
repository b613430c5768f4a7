package backproof

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
	"gonum.org/v1/gonum/floats"
)

// Direction is one direction's comparison: compare's Entry, with Param
// {Name: "v", Row: k} for the k-th direction, Analytic vᵀ∇C, Numeric the
// difference of C along v, and Kink set when a relu pre-activation changes
// sign between the points of the stencil along v (for the complex step:
// has real part exactly 0); such a direction is not judged.
type Direction = compare.Entry

// directionStream is the second word of the PCG state of the directions,
// so that seed 1 for the directions is not the problem's seed 1 stream.
const directionStream = 0xd1ec7105

// defaultDirections is how many directions CheckDirections draws when
// Settings.Directions is zero.
const defaultDirections = 8

// CheckDirections checks backproof's own backpropagation along
// s.Directions random unit vectors v, seeded by s.Seed: for each, vᵀ∇C
// against the method's difference of C along v (see DirectionalResult).
// This is PyTorch gradcheck's fast mode for a scalar cost: a handful of
// forward passes instead of two per parameter, so it serves networks with
// millions of parameters. It cannot say which entry is wrong, only that
// some are: a wrong ∇C is wrong along almost every direction. p is not
// modified. It refuses s.Generic, as Validate does with Directions: the
// directional check has no fast path for a generic one to be compared with.
func CheckDirections(p *problem.Problem, s *Settings) (*DirectionalResult, error) {
	if s != nil && s.Generic {
		return nil, &SettingsError{"generic", "applies to entry-by-entry checks, not to a directional check"}
	}
	set, autoStep, err := settle(p, s)
	if err != nil {
		return nil, err
	}
	if set.Directions == 0 {
		set.Directions = defaultDirections
	}
	return checkDirections(p, set, autoStep), nil
}

// checkDirections is CheckDirections with settled settings. A
// disagreement is confirmed as an entry-by-entry one is: the same
// directions (drawn again from the seed) over a ladder of steps and by the
// complex step.
func checkDirections(p *problem.Problem, set Settings, autoStep bool) *DirectionalResult {
	start := time.Now()
	trace := p.Net.Backprop(p.X, p.Y)
	r := &DirectionalResult{Backprop: Backprop{Problem: p, Trace: trace, Value: trace.Cost, Method: set.Method, Step: set.Step,
		Analytic: trace.Grad(nil)}, Seed: set.Seed}
	if autoStep {
		set.Step, r.Raised = directionalStep(set.Method, r.Value, floats.Norm(r.Analytic, 2), len(r.Analytic), set.Tol)
		r.Step = set.Step
	}
	θ := p.Net.Params(nil)
	compareAt := func(m numgrad.Method, h, tol float64) *compare.Result {
		floor := set.Floor
		if floor == 0 {
			floor = NoiseFloor(r.Value, m, h)
		}
		return directionalComparison(p, θ, r.Analytic, m, h, set.Seed, set.Directions,
			&compare.Criteria{Floor: floor, Tol: tol, Worst: set.Worst})
	}
	r.Comparison = compareAt(set.Method, set.Step, set.Tol)
	r.Directions = r.Comparison.Entries()
	if !r.Comparison.Pass {
		r.Confirmation, r.Outcome = confirm(&r.Backprop, set, compareAt)
	}
	r.Seconds = time.Since(start).Seconds()
	return r
}

// directionalStep is the step of a central directional check for which
// none was given, and why when it is not the default.
// Along a random unit direction v of P parameters the gradient shrinks:
// v's entries are about ±1/√P, so |vᵀ∇C| is typically ‖∇C‖·√(2/(πP)),
// 1/150 of ‖∇C‖ for Nielsen's network and 1/1,250 at a million
// parameters, while the noise floor, about ε|C|/h, does not shrink. At the
// entries' default step the derivatives along v then sink under
// floor/tol, and the check cannot tell. So the step is raised tenfold at
// a time from the default, at most a hundredfold (to 6e-4, where the
// truncation error h²|C‴|/6 is still about 1e-8 of C‴'s size), until
// the typical derivative along v is at least twice floor/tol. Other
// methods keep their steps (the confirmation still tries others).
func directionalStep(m numgrad.Method, cost, gradNorm float64, P int, tol float64) (float64, *StepRaise) {
	h := m.DefaultStep()
	if m != numgrad.Central || P == 0 {
		return h, nil
	}
	typical := gradNorm * math.Sqrt(2/(math.Pi*float64(P)))
	step := h
	for range 2 {
		if typical >= 2*NoiseFloor(cost, m, step)/tol {
			break
		}
		step *= 10
	}
	if step == h {
		return h, nil
	}
	return step, &StepRaise{Default: h, Typical: typical, Resolves: NoiseFloor(cost, m, h) / tol, Params: P}
}

// directionalComparison compares, along each of K random unit directions
// v drawn from seed, the analytic vᵀ∇C with method m's difference of C
// along v at step h.
func directionalComparison(p *problem.Problem, θ, grad []float64, m numgrad.Method, h float64, seed uint64, K int, s *compare.Criteria) *compare.Result {
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
	rng := rand.New(rand.NewPCG(seed, directionStream))
	analytic, numeric, kinks := make([]float64, K), make([]float64, K), make([]bool, K)
	for k := range K {
		v := numgrad.RandomDirection(rng, len(θ))
		analytic[k] = floats.Dot(v, grad)
		if m == numgrad.ComplexStep {
			numeric[k] = numgrad.ComplexDirectional(loss, θ, v, h)
			kinks[k] = kinked && complexAtKink(p, θ, v, h)
			continue
		}
		numeric[k] = numgrad.Directional(cost, θ, v, &numgrad.Settings{Method: m, Step: h, Concurrent: true})
		kinks[k] = kinked && straddles(p, θ, v, m, h)
	}
	direction := func(k int) derive.Param { return derive.Param{Name: "v", Row: k} }
	return compare.Gradients(analytic, numeric, direction, func(k int) bool { return kinks[k] }, s)
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

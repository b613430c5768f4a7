package numgrad

import (
	"fmt"
	"math"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// netCase is a random problem for the fast-path tests.
type netCase struct {
	name string
	p    *problem.Problem
}

// netShapes have no two widths equal and a batch equal to none of them,
// so that a transposed index cannot line up by accident; {4, 3} is a
// single layer, where the perturbed layer is the output layer.
var netShapes = [][]int{{3, 5, 4}, {6, 5, 4, 2}, {4, 3}, {2, 7, 3, 6, 5}}

// netProblem draws a problem with every hidden layer act and the output
// layer suited to the cost, as TestGradients in the root package does.
// Every third input is set to exactly 0, as MNIST's blank pixels are, so
// that the examples the fast path skips are exercised.
func netProblem(t testing.TB, conv derive.Convention, sizes []int, act derive.Activation, cost derive.Cost, red derive.Reduction, batch int, seed uint64) *problem.Problem {
	t.Helper()
	acts := make([]derive.Activation, len(sizes)-1)
	for i := range acts {
		acts[i] = act
		if act == derive.Softmax {
			acts[i] = derive.Tanh
		}
	}
	switch cost {
	case derive.CrossEntropy:
		acts[len(acts)-1] = derive.Sigmoid
	case derive.LogLikelihood:
		acts[len(acts)-1] = derive.Softmax
	default:
		if act == derive.Softmax {
			acts[len(acts)-1] = derive.Softmax
		}
	}
	p, err := problem.Random(problem.Spec{Convention: conv, Sizes: sizes, Batch: batch, Acts: acts,
		Cost: cost, Reduction: red, Init: derive.NormalScaled, Seed: seed})
	require.NoError(t, err)
	raw := p.X.RawMatrix().Data
	for i := 0; i < len(raw); i += 3 {
		raw[i] = 0
	}
	return p
}

// netCases is every convention × activation × cost, with the reduction,
// shape, batch and seed rotating, so that each also meets each of the
// others somewhere.
func netCases(t testing.TB) []netCase {
	var cases []netCase
	idx := 0
	for _, conv := range derive.Conventions {
		for _, act := range derive.Activations {
			for _, cost := range derive.Costs {
				red := derive.Reductions[idx%2]
				sizes := netShapes[idx%len(netShapes)]
				batch := []int{7, 1, 9}[idx%3]
				p := netProblem(t, conv, sizes, act, cost, red, batch, uint64(idx+1))
				cases = append(cases, netCase{fmt.Sprintf("%v/%v/%v/%v/%v/m=%d", conv, act, cost, red, sizes, batch), p})
				idx++
			}
		}
	}
	return cases
}

// genericLoss is θ ↦ C(θ), the whole network recomputed: the function the
// generic path differentiates, as backproof.CheckBackprop's generic path does.
func genericLoss(p *problem.Problem) func([]float64) float64 {
	return func(θ []float64) float64 {
		n := p.Net.In(p.Net.Convention)
		n.SetParams(θ)
		return n.Loss(p.X, p.Y)
	}
}

// stencilScale is Σ_p |c_p| / step of each method's stencil at step h: the
// factor by which rounding errors in the costs reach the derivative.
func stencilScale(m Method, h float64) float64 {
	switch m {
	case Central:
		return 1 / h
	case Forward, Backward:
		return 2 / h
	case FivePoint:
		return 1.5 / h
	case Richardson:
		return (1/h + 4*2/h) / 3
	}
	panic(m)
}

// fastTol is how far the fast path may be from the generic path, in units
// of ε·max(1, |C|)·Σ|c_p|/step. Both evaluate the same stencil at the same
// points θ_i + t·h, formed the same way, so the costs they difference can
// differ only by rounding: the fast path moves z^ℓ_k by Δ·a instead of
// summing W a with the moved weight, updates Z^{ℓ+1} by a rank-one term
// instead of recomputing it, and sums W a in another order than gonum's
// matrix product. Each cost is then off by a few ε·|C|, and the
// derivative by that times Σ|c_p|/step. The measured worst over netCases
// at two steps each was 2.2 units (five-point; central 2.0), so 16 leaves
// a margin of seven. For central differences at the default step and
// |C| ≤ 1 it is 16·ε/6e-6 = 5.9e-10 absolute.
const fastTol = 16

func TestNetGradientMatchesGradient(t *testing.T) {
	const eps = 0x1p-52
	worst := map[Method]float64{}
	for ci, c := range netCases(t) {
		for mi, m := range Methods[:ComplexStep] {
			// Two steps per case: the default, and one ten times larger.
			h := m.DefaultStep()
			if (ci+mi)%2 == 1 {
				h *= 10
			}
			t.Run(c.name+"/"+m.String(), func(t *testing.T) {
				s := &Settings{Method: m, Step: h}
				θ := c.p.Net.Params(nil)
				want := Gradient(nil, genericLoss(c.p), θ, s)
				got := NetGradient(nil, c.p.Net, c.p.X, c.p.Y, s)
				unit := eps * math.Max(1, math.Abs(c.p.Net.Loss(c.p.X, c.p.Y))) * stencilScale(m, h)
				var units float64
				for i := range want {
					units = math.Max(units, math.Abs(got[i]-want[i])/unit)
				}
				worst[m] = math.Max(worst[m], units)
				require.LessOrEqual(t, units, float64(fastTol), "worst entry %.3g units of ε|C|Σ|c|/h from the generic path", units)
			})
		}
	}
	for _, m := range Methods[:ComplexStep] {
		t.Logf("%-11v worst |fast − generic| = %.2f ε·max(1,|C|)·Σ|c_p|/h", m, worst[m])
	}
}

// stencilPoints is the method's points θ_i + t·h as loc, step pairs, the
// centre included when the stencil uses it (for the generic kink oracle).
func stencilPoints(m Method, h float64) [][2]float64 {
	switch m {
	case Forward:
		return [][2]float64{{0, h}, {1, h}}
	case Backward:
		return [][2]float64{{-1, h}, {0, h}}
	case FivePoint:
		return [][2]float64{{-2, h}, {-1, h}, {1, h}, {2, h}}
	case Richardson:
		return [][2]float64{{-1, h}, {1, h}, {-1, h / 2}, {1, h / 2}}
	}
	return [][2]float64{{-1, h}, {1, h}}
}

// genericKinks is the oracle for NetGradientKinks: the whole forward pass
// at each point of the stencil, and whether the relu sign patterns differ.
func genericKinks(p *problem.Problem, m Method, h float64) []bool {
	θ := p.Net.Params(nil)
	out := make([]bool, len(θ))
	for i := range θ {
		var first []bool
		for pi, pt := range stencilPoints(m, h) {
			x := append([]float64(nil), θ...)
			x[i] += pt[0] * pt[1]
			n := p.Net.In(p.Net.Convention)
			n.SetParams(x)
			signs := n.KinkSigns(p.X)
			if pi == 0 {
				first = signs
				continue
			}
			for k := range signs {
				out[i] = out[i] || signs[k] != first[k]
			}
		}
	}
	return out
}

// TestNetGradientKinks checks the fast path's kink flags against the
// generic oracle on relu and leaky-relu networks, with a step large enough
// (0.1, on inputs of order one) that many stencils cross a kink.
func TestNetGradientKinks(t *testing.T) {
	for _, conv := range derive.Conventions {
		for _, act := range []derive.Activation{derive.ReLU, derive.LeakyReLU} {
			for _, m := range Methods[:ComplexStep] {
				p := netProblem(t, conv, []int{4, 6, 5, 3}, act, derive.Quadratic, derive.Mean, 6, uint64(m)+1)
				const h = 0.1
				want := genericKinks(p, m, h)
				got := make([]bool, len(want))
				NetGradientKinks(nil, got, p.Net, p.X, p.Y, &Settings{Method: m, Step: h})
				var count int
				for _, k := range want {
					if k {
						count++
					}
				}
				assert.Equal(t, want, got, "%v %v %v", conv, act, m)
				assert.Positive(t, count, "the test crosses some kinks")
			}
		}
	}
	// A smooth network has none.
	p := netProblem(t, derive.Row, []int{4, 6, 3}, derive.Tanh, derive.Quadratic, derive.Mean, 6, 1)
	got := make([]bool, p.Net.NumParams())
	NetGradientKinks(nil, got, p.Net, p.X, p.Y, &Settings{Step: 1e-1})
	assert.NotContains(t, got, true)
}

// TestNetGradientDestinationAndInput checks that dst is allocated when nil
// and overwritten otherwise, that the network and batch are left bit for
// bit (the row convention's are read in place, not copied), and that
// concurrency changes nothing: each entry is computed by the same code
// whichever goroutine takes it. The quadratic cost takes unitEntries, the
// cross-entropy the entry-by-entry path.
func TestNetGradientDestinationAndInput(t *testing.T) {
	for _, conv := range []derive.Convention{derive.Column, derive.Row} {
		for _, cost := range []derive.Cost{derive.CrossEntropy, derive.Quadratic} {
			p := netProblem(t, conv, []int{5, 4, 3}, derive.Sigmoid, cost, derive.Sum, 6, 9)
			θ := bits(p.Net.Params(nil))
			x, y := bits(p.X.RawMatrix().Data), bits(p.Y.RawMatrix().Data)
			for _, m := range Methods {
				want := NetGradient(nil, p.Net, p.X, p.Y, &Settings{Method: m})
				require.Len(t, want, p.Net.NumParams())
				dst := make([]float64, len(want))
				for i := range dst {
					dst[i] = math.NaN()
				}
				got := NetGradient(dst, p.Net, p.X, p.Y, &Settings{Method: m, Concurrent: true})
				require.Same(t, &dst[0], &got[0], "dst is returned")
				assert.Equal(t, bits(want), bits(dst), "%v %v %v: concurrent = serial, NaNs overwritten", conv, cost, m)
				assert.Equal(t, θ, bits(p.Net.Params(nil)), "%v %v %v: parameters unchanged", conv, cost, m)
				assert.Equal(t, x, bits(p.X.RawMatrix().Data), "X unchanged")
				assert.Equal(t, y, bits(p.Y.RawMatrix().Data), "Y unchanged")
			}
			assert.Panics(t, func() { NetGradient(make([]float64, 3), p.Net, p.X, p.Y, nil) })
		}
	}
	p := netProblem(t, derive.Column, []int{5, 4, 3}, derive.Sigmoid, derive.CrossEntropy, derive.Sum, 6, 9)
	assert.Panics(t, func() { NetGradient(nil, p.Net, mat.NewDense(6, 5, nil), p.Y, nil) })
}

// TestNetGradientAllocations checks that allocation does not grow with the
// number of parameters: the per-entry work allocates nothing.
func TestNetGradientAllocations(t *testing.T) {
	for _, m := range []Method{Central, Richardson, ComplexStep} {
		allocs := func(sizes []int) float64 {
			p := netProblem(t, derive.Row, sizes, derive.Tanh, derive.Quadratic, derive.Mean, 5, 1)
			dst := make([]float64, p.Net.NumParams())
			return testing.AllocsPerRun(3, func() { NetGradient(dst, p.Net, p.X, p.Y, &Settings{Method: m}) })
		}
		small, large := allocs([]int{3, 4, 2}), allocs([]int{30, 40, 20})
		assert.Equal(t, small, large, "%v: the same allocations for 26 and 2060 parameters", m)
	}
}

// smooth are the activations with a derivative everywhere.
var smooth = []derive.Activation{derive.Sigmoid, derive.Tanh, derive.Softplus, derive.Identity, derive.Softmax}

// complexFloor is the absolute error, in units of ε times the largest
// entry, under which the complex-step tests do not judge relative errors:
// the rounding of the gradient itself. Backprop rounds each entry to about
// ε times the sum of the magnitudes of the terms it adds (over examples and
// units), and so does the complex step, so an entry that is a small
// difference of larger terms differs between the two by a few ulps of
// those terms, which is a large relative error of a small number (measured:
// 1.2e-11 on an entry 1e-7 of the largest, off by 3e-19). The worst
// absolute errors measured were 8.4 ε·max|g| against backprop and 12
// against the generic complex step, hence 64. compare.Gradients judges a
// check the same way, with its noise floor.
const complexFloor = 64

// relErrAbove is the largest compare-style relative error |a−b|/max(|a|,|b|)
// over entries whose |a−b| exceeds floor·ε·max|b|.
func relErrAbove(a, b []float64, floor float64) float64 {
	var top, worst float64
	for _, v := range b {
		top = math.Max(top, math.Abs(v))
	}
	for i := range a {
		if d := math.Abs(a[i] - b[i]); d > floor*0x1p-52*top {
			worst = math.Max(worst, d/math.Max(math.Abs(a[i]), math.Abs(b[i])))
		}
	}
	return worst
}

// absUnits is max|a−b| in units of ε·max|b|.
func absUnits(a, b []float64) float64 {
	var top, worst float64
	for i := range a {
		top = math.Max(top, math.Abs(b[i]))
		worst = math.Max(worst, math.Abs(a[i]-b[i]))
	}
	return worst / (0x1p-52 * top)
}

// TestNetComplexStep checks the complex step on the fast path against
// backpropagation, and against the generic path (ComplexGradient of
// derive.Net.ComplexLoss), on every convention, smooth activation, cost and
// reduction: a relative error of at most 1e-13 above the floor. Measured:
// no entry is off by more than 8.4 ε·max|g| from backprop, nor by more than
// 12 from the generic path, so no entry is above the floor.
func TestNetComplexStep(t *testing.T) {
	var worstBP, worstGeneric, unitsBP, unitsGeneric float64
	idx := 0
	for _, conv := range derive.Conventions {
		for _, act := range smooth {
			for _, cost := range derive.Costs {
				for _, red := range derive.Reductions {
					sizes := netShapes[idx%len(netShapes)]
					p := netProblem(t, conv, sizes, act, cost, red, 7, uint64(idx+1))
					idx++
					bp := p.Net.Backprop(p.X, p.Y).Grad(nil)
					got := NetGradient(nil, p.Net, p.X, p.Y, &Settings{Method: ComplexStep, Concurrent: true})
					loss := func(θ []complex128) complex128 { return p.Net.ComplexLoss(θ, p.X, p.Y) }
					generic := ComplexGradient(nil, loss, p.Net.Params(nil), 0)
					e1, e2 := relErrAbove(got, bp, complexFloor), relErrAbove(got, generic, complexFloor)
					worstBP, worstGeneric = math.Max(worstBP, e1), math.Max(worstGeneric, e2)
					unitsBP, unitsGeneric = math.Max(unitsBP, absUnits(got, bp)), math.Max(unitsGeneric, absUnits(got, generic))
					assert.LessOrEqual(t, e1, 1e-13, "%v %v %v %v %v against backprop", conv, act, cost, red, sizes)
					assert.LessOrEqual(t, e2, 1e-13, "%v %v %v %v %v against the generic path", conv, act, cost, red, sizes)
				}
			}
		}
	}
	t.Logf("max rel error of entries off by more than %d ε·max|g|: %.2g against backprop, %.2g against the generic complex step", complexFloor, worstBP, worstGeneric)
	t.Logf("max abs error: %.2g ε·max|g| against backprop, %.2g against the generic complex step", unitsBP, unitsGeneric)
}

// TestNetComplexStepKinks checks the complex step on relu networks: away
// from kinks it is exact, as on smooth ones; a pre-activation exactly at
// 0 (an example with x = 0 and a zero bias) is flagged, for the entries
// whose step reaches it, and only those.
func TestNetComplexStepKinks(t *testing.T) {
	for _, conv := range derive.Conventions {
		for _, act := range []derive.Activation{derive.ReLU, derive.LeakyReLU} {
			p := netProblem(t, conv, []int{4, 5, 3}, act, derive.Quadratic, derive.Mean, 6, 3)
			kinks := make([]bool, p.Net.NumParams())
			got := NetGradientKinks(nil, kinks, p.Net, p.X, p.Y, &Settings{Method: ComplexStep})
			bp := p.Net.Backprop(p.X, p.Y).Grad(nil)
			assert.LessOrEqual(t, relErrAbove(got, bp, complexFloor), 1e-13, "%v %v", conv, act)
			assert.NotContains(t, kinks, true, "no pre-activation is exactly 0")

			// Example 2 all zeros and b¹₁ = 0: z¹ of unit 1 is exactly 0
			// there. Only b¹₁'s step reaches it (W¹'s steps are multiplied
			// by x = 0; layer 2 is after it).
			for k := 0; k < 4; k++ {
				if conv.ColumnLayout() {
					p.X.Set(k, 2, 0)
				} else {
					p.X.Set(2, k, 0)
				}
			}
			p.Net.Layers[0].B[1] = 0
			NetGradientKinks(got, kinks, p.Net, p.X, p.Y, &Settings{Method: ComplexStep})
			for i, k := range kinks {
				param := p.Net.ParamAt(i)
				want := param.Layer == 1 && param.Name == "b" && param.Row == 1
				assert.Equal(t, want, k, "%v %v %v", conv, act, param)
			}
			bp = p.Net.Backprop(p.X, p.Y).Grad(nil)
			assert.LessOrEqual(t, relErrAbove(got, bp, complexFloor), 1e-13, "%v %v: at the kink, Prime's left derivative", conv, act)
		}
	}
}

// TestUnitEntriesMixed checks unitEntries where the hidden activation is
// not the output's sigmoid (netCases give every layer the same one): each
// hidden activation under a sigmoid output, for both sums of squares, in
// every convention, against the generic path as
// TestNetGradientMatchesGradient does, at the default step and at one
// large enough (0.3 for central differences) that some moves take exp.
func TestUnitEntriesMixed(t *testing.T) {
	const eps = 0x1p-52
	idx := 0
	for _, conv := range derive.Conventions {
		for _, act := range []derive.Activation{derive.Tanh, derive.ReLU, derive.LeakyReLU, derive.Softplus, derive.Identity, derive.Sigmoid} {
			for _, cost := range []derive.Cost{derive.Quadratic, derive.SumSquares} {
				idx++
				sizes := netShapes[idx%2] // {3, 5, 4} or {6, 5, 4, 2}: a hidden layer before the output
				acts := make([]derive.Activation, len(sizes)-1)
				for i := range acts {
					acts[i] = act
				}
				acts[len(acts)-1] = derive.Sigmoid
				p, err := problem.Random(problem.Spec{Convention: conv, Sizes: sizes, Batch: 7, Acts: acts,
					Cost: cost, Reduction: derive.Reductions[idx%2], Init: derive.NormalScaled, Seed: uint64(idx)})
				require.NoError(t, err)
				p.X.RawMatrix().Data[0] = 0 // a zero input: no move
				for _, h := range []float64{0, 0.3} {
					s := &Settings{Step: h}
					if h == 0 {
						h = Central.DefaultStep()
					}
					want := Gradient(nil, genericLoss(p), p.Net.Params(nil), s)
					got := NetGradient(nil, p.Net, p.X, p.Y, s)
					unit := eps * math.Max(1, math.Abs(p.Net.Loss(p.X, p.Y))) * stencilScale(Central, h)
					for i := range want {
						require.InDelta(t, want[i], got[i], fastTol*unit, "%v %v %v %v h=%g entry %v", conv, act, cost, sizes, h, p.Net.ParamAt(i))
					}
				}
			}
		}
	}
}

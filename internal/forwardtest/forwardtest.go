// Package forwardtest holds every fast forward pass to derive's forward
// pass on one set of problems, and says what must match what.
//
// derive's forward pass (derive.Net.Forward, row convention) is the
// reference: it is held to PyTorch's autograd by derive's own tests. The
// fast passes (train's step, its per-example loop and its evaluator;
// numgrad's real and complex passes) compute the same quantities in other
// orders, and each of their tests calls Check for every example of every
// problem. For layer ℓ, unit k, example x, with n = n_{ℓ−1}:
//
//   - z^ℓ_k = b_k + Σ_j a_j W^ℓ[j,k] within
//     γ_{n+1} (S + S′) + (1 + γ_{n+1}) Σ_j |W^ℓ[j,k]| |Δa_j| of derive's,
//     where S and S′ are |b_k| + Σ_j |a_j W^ℓ[j,k]| with derive's a^{ℓ−1}
//     and with the pass's, Δa = the pass's a^{ℓ−1} − derive's, and
//     γ_m = m·u/(1 − m·u), u = 2⁻⁵³. Why: each side sums the same n+1
//     rounded terms in its own order (derive's matrix product adds b last,
//     the passes add it first and skip zero inputs; the assembly gathers
//     fuse their multiply-adds and the AVX-512 one adds a list's even and
//     odd entries apart), and any such sum is within γ_{n+1}·Σ|terms| of
//     the exact one (Higham, Accuracy and Stability, §3.1); the last term
//     carries the previous layer's difference through W^ℓ. Not to the bit.
//   - a^ℓ = f(z^ℓ): derive's f of the pass's own z^ℓ, as Pass.F says (to
//     the bit where the pass calls the table's f).
//   - C_x: derive's Cost.Value of the pass's own a^L, as Pass.Cost says.
//
// So a pass that drifts from derive in its sums, its activations or its
// cost fails here with the layer, unit and example named.
package forwardtest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/kernel"
	"gonum.org/v1/gonum/mat"
)

// Problem is a network in the row convention, a batch to run it on, and
// derive's forward pass over it.
type Problem struct {
	Name string
	Net  *derive.Net // the row convention: W^ℓ is n_{ℓ−1}×n_ℓ
	Set  *data.Set   // the examples, one a row, and their classes
	X, Y *mat.Dense  // Set's inputs and one-hot targets
	Z, A []*mat.Dense
	// derive's Z^ℓ and A^ℓ, m×n_ℓ, indexed by ℓ (A[0] = X)
}

// Problems returns one problem per activation row of derive: an
// elementwise f on both hidden layers and the output of a [6, 5, 4, 3]
// network with the quadratic cost; softmax on the output after two tanh
// layers, with log-likelihood. The eight examples have N(0,1) inputs with
// about half of them zero (the passes skip zero inputs), an example of
// zeros only (z^1 = b^1) and one with its inputs times 30 (saturated
// sigmoids, large relus). The draws are seeded: the same problems every
// run.
func Problems() []*Problem {
	sizes := []int{6, 5, 4, 3}
	const m = 8
	var out []*Problem
	for i, act := range derive.Activations {
		rng := rand.New(rand.NewPCG(20, uint64(i)))
		spec := derive.NetSpec{Sizes: sizes, Acts: []derive.Activation{act, act, act}, Cost: derive.Quadratic, Init: derive.NormalScaled}
		if !act.Elementwise() {
			spec.Acts = []derive.Activation{derive.Tanh, derive.Tanh, act}
			spec.Cost = derive.LogLikelihood
		}
		if err := spec.Validate(); err != nil {
			panic("forwardtest: " + err.Error())
		}
		net := derive.NewNet(spec, rng)
		X := mat.NewDense(m, sizes[0], nil)
		labels := make([]int, m)
		for x := range m {
			labels[x] = rng.IntN(sizes[3])
			for j := range sizes[0] {
				if x == 0 || rng.Float64() < 0.5 {
					continue
				}
				v := rng.NormFloat64()
				if x == m-1 {
					v *= 30
				}
				X.Set(x, j, v)
			}
		}
		set := &data.Set{Name: act.String(), X: X, Labels: labels, Classes: sizes[3]}
		Z, A := net.Forward(X)
		out = append(out, &Problem{Name: fmt.Sprintf("%v %v", spec.Acts, spec.Cost), Net: net, Set: set,
			X: X, Y: set.OneHot(), Z: Z, A: A})
	}
	return out
}

// Match is how a pass's numbers relate to derive's: Rel = 0 is to the bit;
// otherwise |got − want| ≤ Rel·max(|got|, |want|), the project's relative
// error. Why says what makes the difference (or why there is none).
type Match struct {
	Rel float64
	Why string
}

// Pass is one fast forward pass and what it must match.
type Pass struct {
	Name string
	// F is how its a^ℓ relate to derive's f (Activation.Activate) of its
	// own z^ℓ, for activation act.
	F func(act derive.Activation) Match
	// Cost is how its C_x relates to derive's Cost.Value of its own a^L.
	Cost Match
}

var (
	bits = Match{Why: "the table's own function, called on the same numbers"}

	// sigmoidKernel is train's activation: kernel.Sigmoid for σ, the
	// table's f for the others.
	sigmoidKernel = func(act derive.Activation) Match {
		if act == derive.Sigmoid && kernel.AVX512 {
			return Match{Rel: 4 * 0x1p-52, Why: "kernel.Sigmoid's AVX-512 series for e^{−z}, within 4 units in the last place of 1/(1+e^{−z}) (TestSigmoidAVX512)"}
		}
		if act == derive.Sigmoid {
			return Match{Why: "kernel.Sigmoid without AVX-512 is derive's formula 1/(1+e^{−z}) in Go"}
		}
		return bits
	}
	table = func(derive.Activation) Match { return bits }
)

// The passes. Each is run by a test in its own package, which can reach
// its unexported code; TestEveryPassRun fails if one is not.
var (
	// FastNet is train's step (step.go: fastNet.forward), in the row
	// layout padded to kernel.Width, with kernel.Gather's sums.
	FastNet = Pass{Name: "train's step (fastNet.forward)", F: sigmoidKernel, Cost: bits}
	// PerExample is train's per-example loop (perexample.go), Nielsen's
	// update_mini_batch: z = W x on gonum's Gemv (the first layer on the
	// nonzero inputs), one column vector at a time.
	PerExample = Pass{Name: "train's per-example loop (perExample.gradient)", F: table, Cost: bits}
	// Evaluator is train's measuring pass (measure.go: evalPart.run), the
	// step's sums over a set cut into parts.
	Evaluator = Pass{Name: "train's evaluator (evalPart.run)", F: sigmoidKernel, Cost: bits}
	// NumgradReal is numgrad's cached forward pass (layered.go:
	// newNetPass), from which every point of a stencil is moved.
	NumgradReal = Pass{Name: "numgrad's real pass (newNetPass)", F: table, Cost: bits}
	// NumgradComplex is numgrad's complex-step pass (complexPointCost),
	// with a unit of layer 1 moved by i·h, h = 1e-20: its real parts. The
	// step changes them by terms in h², about 1e-40 of them.
	NumgradComplex = Pass{Name: "numgrad's complex pass (complexPointCost)",
		F: func(derive.Activation) Match {
			return Match{Rel: 1e-15, Why: "the complex f (derive.Activation.ComplexF, ComplexActivate) is another formula for f: its real part within 1e-15 of F (TestComplexF, TestComplexActivateSoftmax)"}
		},
		Cost: Match{Rel: 1e-15, Why: "Cost.ComplexValue's real part is within 1e-15 of Value (TestComplexValue)"}}
)

// Passes lists every pass above.
var Passes = []Pass{FastNet, PerExample, Evaluator, NumgradReal, NumgradComplex}

// Example is what a pass computed for one example: Z[ℓ] and A[ℓ] for
// ℓ = 1..L (index 0 unused), n_ℓ entries each, and C_x.
type Example struct {
	Z, A [][]float64
	C    float64
}

// u is the unit roundoff of float64.
const u = 0x1p-53

// gamma is Higham's γ_m = m·u/(1 − m·u).
func gamma(m int) float64 { return float64(m) * u / (1 - float64(m)*u) }

// Check holds example x of problem p, as pass computed it, to derive's
// forward pass (see the package comment), and reports each entry that
// does not match through t.
func Check(t testing.TB, pass Pass, p *Problem, x int, got Example) {
	t.Helper()
	net := p.Net
	L := len(net.Layers)
	where := func(ℓ int) string { return fmt.Sprintf("%s, %s, example %d, layer %d", pass.Name, p.Name, x, ℓ) }
	for ℓ := 1; ℓ <= L; ℓ++ {
		l := net.Layers[ℓ-1]
		in, n := net.Sizes()[ℓ-1], net.Sizes()[ℓ]
		if len(got.Z[ℓ]) != n || len(got.A[ℓ]) != n {
			t.Errorf("%s: %d z and %d a, want %d of each", where(ℓ), len(got.Z[ℓ]), len(got.A[ℓ]), n)
			return
		}
		want := p.A[ℓ-1].RawRowView(x) // derive's a^{ℓ−1}
		mine := want                   // the pass's
		if ℓ > 1 {
			mine = got.A[ℓ-1]
		}
		g := gamma(in + 1)
		for k := range n {
			S, S2, carried := math.Abs(l.B[k]), math.Abs(l.B[k]), 0.0
			for j := range in {
				w := l.W.At(j, k)
				S += math.Abs(want[j] * w)
				S2 += math.Abs(mine[j] * w)
				carried += math.Abs(w) * math.Abs(mine[j]-want[j])
			}
			// The bound's own few roundings are covered by 1e-12 of it.
			bound := (g*(S+S2) + (1+g)*carried) * (1 + 1e-12)
			zw := p.Z[ℓ].At(x, k)
			if d := math.Abs(got.Z[ℓ][k] - zw); !(d <= bound) {
				t.Errorf("%s: z[%d] = %v, derive's %v: |Δ| = %.3g over the bound %.3g (sums of the same %d terms; Δa carried %.3g)",
					where(ℓ), k, got.Z[ℓ][k], zw, d, bound, in+1, carried)
			}
		}
		ref := make([]float64, n)
		l.Act.Activate(ref, got.Z[ℓ])
		match := pass.F(l.Act)
		for k := range n {
			if !match.holds(got.A[ℓ][k], ref[k]) {
				t.Errorf("%s: a[%d] = %v, derive's %v(%v) = %v: %s", where(ℓ), k, got.A[ℓ][k], l.Act, got.Z[ℓ][k], ref[k], match)
			}
		}
	}
	if c := net.Cost.Value(got.A[L], p.Y.RawRowView(x)); !pass.Cost.holds(got.C, c) {
		t.Errorf("%s, %s, example %d: C_x = %v, derive's %v of its a^L = %v: %s", pass.Name, p.Name, x, got.C, net.Cost, c, pass.Cost)
	}
}

// holds reports whether got matches want.
func (m Match) holds(got, want float64) bool {
	if m.Rel == 0 {
		return math.Float64bits(got) == math.Float64bits(want)
	}
	if got == want {
		return true
	}
	return math.Abs(got-want) <= m.Rel*math.Max(math.Abs(got), math.Abs(want))
}

func (m Match) String() string {
	if m.Rel == 0 {
		return "want the same bits: " + m.Why
	}
	return fmt.Sprintf("want within %.3g relative: %s", m.Rel, m.Why)
}

package backproof

import (
	"fmt"
	"math"
	"math/cmplx"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/backproof/backproof/curvature"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/exact"
	"github.com/backproof/backproof/formula"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryActivation walks every row of derive's activation table
// through every consumer, so that a row that lacks a property fails here
// and not in a learner's hands:
//
//   - derive: f′ against a central difference of f (relative 1e-7 away
//     from kinks), f′ from a against f′ from z, the complex f against f
//     and f′;
//   - check: every numerical method, the fast path and the generic one,
//     on a net with the activation in the hidden layer and (where the
//     cost allows it) the output layer;
//   - formula: the backprop written with each of its spellings, primed as
//     f' and as f_prime, passes the formula check;
//   - exact: the double-double gradient agrees with derive's;
//   - curvature: the Hessian probe is finite;
//   - docs: the activation is in docs/cli.md's --act help, its formula
//     spelling in docs/formulas.md, its row in the table of
//     docs/derivation.md, its name in docs/contracts.md's list, and among
//     the web page's suggestions.
//
// train's fast path walks every activation in train's own tests
// (TestFastPathMatchesDerive, TestActivate).
func TestEveryActivation(t *testing.T) {
	docs := map[string]string{}
	for _, f := range []string{"docs/cli.md", "docs/formulas.md", "docs/derivation.md", "docs/contracts.md", "web/static/index.html"} {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		docs[strings.TrimPrefix(f, "docs/")] = string(raw)
	}
	for _, act := range derive.Activations {
		t.Run(act.String(), func(t *testing.T) {
			hidden, out := act, act
			if !act.Elementwise() {
				hidden = derive.Tanh // softmax is an output layer only
			}
			if act.Elementwise() {
				derivatives(t, act)
			}
			for _, m := range numgrad.Methods {
				for _, generic := range []bool{false, true} {
					p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{3, 4, 2}, Batch: 3,
						Acts: []derive.Activation{hidden, out}, Cost: derive.Quadratic, Reduction: derive.Mean, Init: derive.NormalScaled, Seed: 11})
					require.NoError(t, err)
					r, err := CheckBackprop(p, &Settings{Method: m, Generic: generic})
					require.NoError(t, err)
					assert.True(t, r.Comparison.Pass, "%v generic=%v: max rel error %.3g", m, generic, r.Comparison.MaxRel)
				}
			}
			if act.Elementwise() {
				p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{3, 4, 2}, Batch: 5,
					Acts: []derive.Activation{act, derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean, Init: derive.NormalScaled, Seed: 12})
				require.NoError(t, err)
				for _, sp := range act.Spellings() {
					for _, prime := range []string{sp + "'", sp + "_prime"} {
						src := strings.NewReplacer("F(", sp+"(", "F'(", prime+"(").Replace(`Z1 = X @ W1 + b1
A1 = F(Z1)
Z2 = A1 @ W2 + b2
A2 = sigmoid(Z2)
dZ2 = (A2 - Y) * sigmoid'(Z2) / m
dW2 = A1.T @ dZ2
db2 = sum(dZ2, 0)
dA1 = dZ2 @ W2.T
dZ1 = dA1 * F'(Z1)
dW1 = X.T @ dZ1
db1 = sum(dZ1, 0)
`)
						prog, err := formula.Parse(src)
						require.NoError(t, err, src)
						rep, err := formula.Check(prog, p.Net, p.X, p.Y)
						require.NoError(t, err)
						for _, res := range rep.Results {
							assert.Equal(t, formula.Correct, res.Status, "%s: %s", res.Text, res.Message)
						}
					}
				}
				assert.True(t, strings.Contains(docs["formulas.md"], "`"+act.Spellings()[0]+" ") || strings.Contains(docs["formulas.md"], " "+act.Spellings()[0]+" "),
					"docs/formulas.md's table of functions lists %s", act.Spellings()[0])
			}
			p, err := problem.Random(problem.Spec{Convention: derive.Column, Sizes: []int{3, 4, 2}, Batch: 4,
				Acts: []derive.Activation{hidden, out}, Cost: derive.Quadratic, Reduction: derive.Mean, Init: derive.NormalScaled, Seed: 13})
			require.NoError(t, err)
			exactAgrees(t, p)
			rep := curvature.ProbeNet(p.Net, p.X, p.Y, 0, nil)
			for _, v := range []float64{rep.LambdaMin, rep.LambdaMax, rep.GradNorm} {
				assert.False(t, math.IsNaN(v) || math.IsInf(v, 0), "curvature: λ %g … %g, ‖∇‖ %g", rep.LambdaMin, rep.LambdaMax, rep.GradNorm)
			}
			assert.Regexp(t, `one per layer \([^)]*\b`+act.String()+`[,)]`, actHelpLine(docs["cli.md"]),
				"docs/cli.md's --act help names %v", act)
			assert.Contains(t, docs["contracts.md"], "`"+act.String()+"`", "docs/contracts.md's list of activations names %v", act)
			if act.Elementwise() {
				assert.Contains(t, docs["web/static/index.html"], `<option value="`+act.String()+`">`, "the web page suggests %v", act)
			}
			row := docsRow(docs["derivation.md"], "| `"+act.String()+"` |")
			require.NotEmpty(t, row, "docs/derivation.md's table of activations has a row for %v", act)
			cells := strings.Split(row, " | ")
			require.Len(t, cells, 6, row)
			assert.Equal(t, yesNo(act.Kinked()), cells[3], "%v's kink in docs/derivation.md", act)
			assert.Equal(t, yesNo(act.Bounded()), cells[4], "%v's bound in docs/derivation.md", act)
			sat := "no"
			if th := act.Saturation(5); th > 0 {
				sat = fmt.Sprintf("\\|z\\| > %g", th)
			}
			assert.Equal(t, sat, strings.TrimSuffix(cells[5], " |"), "%v's saturation in docs/derivation.md", act)
		})
	}
}

// derivatives checks one elementwise activation's f′, f′ from a and
// complex f against f, at points away from z = 0 (a kink's place).
func derivatives(t *testing.T, act derive.Activation) {
	t.Helper()
	for _, z := range []float64{-3.1, -1.2, -0.3, 0.45, 1.7, 2.9} {
		const h = 1e-5
		central := (act.F(z+h) - act.F(z-h)) / (2 * h)
		assert.InDelta(t, central, act.Prime(z), 1e-7*max(1, math.Abs(central)), "%v′(%g) against (f(z+h) − f(z−h))/2h", act, z)
		if fp := act.PrimeOfOutput(); fp != nil {
			assert.InDelta(t, act.Prime(z), fp(act.F(z)), 1e-15, "%v′ from a = f(%g)", act, z)
		}
		c := act.ComplexF(complex(z, 1e-20))
		assert.InDelta(t, act.F(z), real(c), 1e-15*max(1, math.Abs(act.F(z))), "Re %v(%g + ih)", act, z)
		assert.InDelta(t, act.Prime(z), imag(c)/1e-20, 1e-15*max(1, math.Abs(act.Prime(z))), "Im %v(%g + ih)/h", act, z)
	}
	if th := act.Saturation(5); th > 0 {
		// Past the threshold f′ is as small, against its largest, as σ′
		// past 5: σ′(5)/σ′(0) = 0.0266.
		assert.LessOrEqual(t, act.Prime(th)/act.Prime(0), 0.0267, "%v saturates past |z| = %g", act, th)
	}
}

// docsRow is the line of doc that starts with prefix, or "".
func docsRow(doc, prefix string) string {
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	return ""
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// actHelpLine is docs/cli.md's first line with the --act help.
func actHelpLine(doc string) string { return docsRow(doc, "| `--act acts` |") }

// exactAgrees checks exact's double-double gradient, which has its own
// f, f′ and ∂C/∂a, against derive's backprop: 1e-12 relative to the
// largest entry, rounding of float64 backprop on a small net.
func exactAgrees(t *testing.T, p *problem.Problem) {
	t.Helper()
	want := exact.Gradient(nil, p.Net, p.X, p.Y, exact.Left)
	got := p.Net.Backprop(p.X, p.Y).Grad(nil)
	top := 0.0
	for _, v := range want {
		top = max(top, math.Abs(v))
	}
	for i := range want {
		assert.InDelta(t, want[i], got[i], 1e-12*top, "entry %d (%v)", i, p.Net.ParamAt(i))
	}
}

// TestEveryCost walks every row of derive's cost table through every
// consumer, with every output activation the cost allows:
//
//   - derive: ∂C_x/∂a against a central difference of C_x, the complex
//     C_x against C_x and ∂C_x/∂a, a sum of squares as it says, the
//     shortcut δ^L = a − y against the output's own f′;
//   - problem: an output the cost cannot take is refused;
//   - check: every numerical method, fast path and generic;
//   - exact: the double-double gradient agrees with derive's;
//   - docs: the cost is in docs/cli.md's --cost help and docs/contracts.md,
//     and its row of docs/derivation.md's table of costs says what the
//     row does (∇_a C_x, outputs, targets, the cancelling output).
//
// formula's explanations walk every cost and output in formula's own
// tests (TestStandardFormulasPass), train's fast path in train's
// (TestFastPathMatchesDerive).
func TestEveryCost(t *testing.T) {
	raw, err := os.ReadFile("docs/cli.md")
	require.NoError(t, err)
	cliDoc := string(raw)
	raw, err = os.ReadFile("docs/contracts.md")
	require.NoError(t, err)
	contracts := string(raw)
	raw, err = os.ReadFile("docs/derivation.md")
	require.NoError(t, err)
	derivation := string(raw)
	for _, cost := range derive.Costs {
		t.Run(cost.String(), func(t *testing.T) {
			a := []float64{0.2, 0.7, 0.45}
			y := []float64{0, 1, 0.3}
			if cost.OneHot() {
				y = []float64{0, 1, 0}
			}
			g := make([]float64, len(a))
			cost.Grad(g, a, y)
			ac := make([]complex128, len(a))
			var squares float64
			for k := range a {
				const h = 1e-6
				up, down := slices.Clone(a), slices.Clone(a)
				up[k] += h
				down[k] -= h
				central := (cost.Value(up, y) - cost.Value(down, y)) / (2 * h)
				assert.InDelta(t, central, g[k], 1e-8*max(1, math.Abs(central)), "∂C_x/∂a_%d", k)
				ac[k] = complex(a[k], 0)
				squares += (a[k] - y[k]) * (a[k] - y[k])
			}
			for k := range a {
				ac[k] += complex(0, 1e-20)
				c := cost.ComplexValue(ac, y)
				ac[k] = complex(a[k], 0)
				assert.InDelta(t, cost.Value(a, y), real(c), 1e-15, "Re C_x")
				assert.InDelta(t, g[k], imag(c)/1e-20, 1e-14*max(1, math.Abs(g[k])), "Im C_x(a + ih e_%d)/h", k)
			}
			if s := cost.Squares(); s > 0 {
				assert.InDelta(t, s*squares, cost.Value(a, y), 1e-15, "C_x = %g Σ (a−y)²", s)
			}
			formula, _ := cost.GradFormula("A2")
			assert.Contains(t, formula, "A2", "∂C_x/∂a in the formula language")
			assert.Contains(t, docsRow(cliDoc, "| `--cost cost` |"), cost.String(), "docs/cli.md's --cost help names %v", cost)
			assert.Contains(t, contracts, "`"+cost.String()+"`", "docs/contracts.md's list of costs names %v", cost)
			row := docsRow(derivation, "| `"+cost.String()+"` |")
			require.NotEmpty(t, row, "docs/derivation.md's table of costs has a row for %v", cost)
			cells := strings.Split(strings.TrimSuffix(row, " |"), " | ")
			require.Len(t, cells, 6, row)
			grad, _ := cost.GradFormula("A")
			assert.Equal(t, "`"+grad+"`", cells[2], "%v's ∇_a C_x in docs/derivation.md", cost)
			outputs, targets, cancels := "any", "any", []string{}
			if cost.UnitOutputs() {
				outputs = "(0,1)"
			}
			if cost.UnitTargets() {
				targets = "[0,1]"
			}
			if cost.OneHot() {
				targets += ", one-hot"
			}
			for _, a := range derive.Activations {
				if cost.CancelsWith(a) {
					cancels = append(cancels, a.String())
				}
			}
			if len(cancels) == 0 {
				cancels = []string{"—"}
			}
			assert.Equal(t, []string{outputs, targets, strings.Join(cancels, ", ")}, cells[3:], "%v's outputs, targets and cancelling output in docs/derivation.md", cost)
			outs := 0
			for _, out := range derive.Activations {
				spec := derive.NetSpec{Sizes: []int{3, 4, 2}, Acts: []derive.Activation{derive.Tanh, out}, Cost: cost}
				if cost.UnitOutputs() && !out.UnitOutputs() {
					require.Error(t, spec.Validate(), "%v refuses a %v output", cost, out)
					continue
				}
				require.NoError(t, spec.Validate())
				outs++
				if cost.Shortcut(out) {
					d, z := make([]float64, len(a)), make([]float64, len(a))
					for k := range a {
						z[k] = math.Log(a[k] / (1 - a[k])) // a sigmoid's z for a
					}
					out.BackStep(d, g, z, a)
					for k := range a {
						assert.InDelta(t, a[k]-y[k], d[k], 1e-15, "δ^L = a − y for %v with %v", out, cost)
					}
				}
				for _, m := range numgrad.Methods {
					for _, generic := range []bool{false, true} {
						p, err := problem.Random(problem.Spec{Convention: derive.Row, Sizes: []int{3, 4, 2}, Batch: 3,
							Acts: []derive.Activation{derive.Tanh, out}, Cost: cost, Reduction: derive.Mean, Init: derive.NormalScaled, Seed: 21})
						require.NoError(t, err)
						r, err := CheckBackprop(p, &Settings{Method: m, Generic: generic})
						require.NoError(t, err)
						assert.True(t, r.Comparison.Pass, "%v output, %v generic=%v: max rel error %.3g", out, m, generic, r.Comparison.MaxRel)
						if m == numgrad.Central && !generic {
							exactAgrees(t, p)
						}
					}
				}
			}
			assert.Positive(t, outs, "some output layer can take %v", cost)
		})
	}
}

// TestEveryMethod walks every row of numgrad's method table:
//
//   - its fd.Formula is a first derivative (Σ c = 0, Σ c·loc = 1) with a
//     positive default step, or the complex step;
//   - its order is the slope of its error on e^x at 0.3, which halving h
//     divides by 2^order (to ±0.3 in the exponent);
//   - at its default step it estimates the gradient of a smooth f to its
//     own tolerance;
//   - the check's default tolerance is the row's, and docs/cli.md's
//     --method help names it.
//
// TestEveryActivation and TestEveryCost run the check by every method.
func TestEveryMethod(t *testing.T) {
	raw, err := os.ReadFile("docs/cli.md")
	require.NoError(t, err)
	method := docsRow(string(raw), "| `--method string` |")
	require.NotEmpty(t, method, "docs/cli.md's --method help")
	x0 := 0.3
	estimate := func(m numgrad.Method, h float64) float64 {
		if m.Complex() {
			return numgrad.ComplexGradient(nil, func(x []complex128) complex128 { return cmplx.Exp(x[0]) }, []float64{x0}, h)[0]
		}
		return numgrad.Gradient(nil, func(x []float64) float64 { return math.Exp(x[0]) }, []float64{x0}, &numgrad.Settings{Method: m, Step: h})[0]
	}
	for _, m := range numgrad.Methods {
		t.Run(m.String(), func(t *testing.T) {
			f := m.Formula()
			assert.Equal(t, 1, f.Derivative)
			assert.Positive(t, m.DefaultStep())
			if !m.Complex() {
				var sum, moment float64
				for _, p := range f.Stencil {
					sum += p.Coeff
					moment += p.Coeff * p.Loc
				}
				assert.InDelta(t, 0, sum, 1e-15, "Σ c")
				assert.InDelta(t, 1, moment, 1e-15, "Σ c·loc")
			}
			h := map[int]float64{1: 1e-3, 2: 1e-2, 4: 1e-1}[m.Order()]
			require.NotZero(t, h, "order %d", m.Order())
			e1, e2 := math.Abs(estimate(m, h)-math.Exp(x0)), math.Abs(estimate(m, h/2)-math.Exp(x0))
			assert.InDelta(t, float64(m.Order()), math.Log2(e1/e2), 0.3, "error %.3g at h = %g, %.3g at h/2", e1, h, e2)

			// f(x) = Σ_i e^{x_i} sin(i + 1 + x_i), whose gradient is known.
			x := []float64{0.2, -0.7, 1.1}
			fr := func(x []float64) float64 {
				var s float64
				for i, v := range x {
					s += math.Exp(v) * math.Sin(float64(i+1)+v)
				}
				return s
			}
			fc := func(x []complex128) complex128 {
				var s complex128
				for i, v := range x {
					s += cmplx.Exp(v) * cmplx.Sin(complex(float64(i+1), 0)+v)
				}
				return s
			}
			var got []float64
			if m.Complex() {
				got = numgrad.ComplexGradient(nil, fc, x, 0)
			} else {
				got = numgrad.Gradient(nil, fr, x, &numgrad.Settings{Method: m})
			}
			for i, v := range x {
				want := math.Exp(v) * (math.Sin(float64(i+1)+v) + math.Cos(float64(i+1)+v))
				assert.LessOrEqual(t, math.Abs(got[i]-want)/math.Abs(want), m.Tol(), "∂f/∂x_%d at the default step", i)
			}
			assert.Equal(t, m.Tol(), DefaultTol(m))
			assert.Contains(t, method, m.String(), "docs/cli.md's --method help names %v", m)
		})
	}
}

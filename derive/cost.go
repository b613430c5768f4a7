package derive

import (
	"math"
	"math/cmplx"
	"strings"

	"github.com/backproof/backproof/internal/printf"
)

// Cost is the per-example cost C_x, summed over the output units: one row
// of costs, which holds everything about it that check, formula, train
// and problem files ask. To add a cost, add a constant here and its row
// below; TestEveryCost walks every row through every consumer.
type Cost int

const (
	Quadratic     Cost = iota // C_x = ½‖a−y‖²
	SumSquares                // C_x = ‖a−y‖² (no ½)
	CrossEntropy              // C_x = −Σ[y ln a + (1−y) ln(1−a)]
	LogLikelihood             // C_x = −Σ y ln a (with softmax)
)

// costRow is everything about one cost. Every cost here is a sum over the
// output units of a term c(a_k, y_k), so the layout does not matter.
type costRow struct {
	name string // the CLI's and JSON's word
	// add is s + c(a, y), the sum so far plus one output's term, grad is
	// ∂c/∂a, and complexAdd is add in complex arithmetic (analytic: (a−y)²,
	// not |a−y|²). Terms with y = 0 (or 1−y = 0) are left out, so 0·ln 0
	// counts as 0 and a sigmoid saturated at exactly the right answer
	// gives the gradient 0, not 0/0. (add takes the sum so that
	// cross-entropy's two logarithms are subtracted from it one at a time.)
	add        func(s, a, y float64) float64
	grad       func(a, y float64) float64
	complexAdd func(s, a complex128, y float64) complex128
	// gradFormula is ∂C_x/∂a in the formula language, with %[1]s for the
	// outputs A^L; gradProduct says it is a product or quotient, which
	// multiplies by f′ left to right without parentheses.
	gradFormula string
	gradProduct bool
	// unitOutputs: the cost takes ln a (and ln(1−a)), so the outputs must
	// lie in (0,1); unitTargets: the targets must lie in [0,1]; oneHot:
	// random problems draw one-hot targets, as the cost is meant for.
	unitOutputs, unitTargets, oneHot bool
	// shortcut is the output activation whose f′ cancels ∂C_x/∂a exactly,
	// whatever the targets, so δ^L = a − y is computed in that form: the
	// same number, without 0·∞ where the output saturates (hasShortcut).
	shortcut    Activation
	hasShortcut bool
	// cancels are the output activations with which δ^L = a − y, with
	// one-hot targets for softmax: what an explanation may write.
	cancels []Activation
	// squares is s in C_x = s Σ (a−y)², 0 for a cost that is not a sum of
	// squares (numgrad's kernel for the book's nets needs one).
	squares float64
}

var costRows = [...]costRow{
	Quadratic: {
		name:        "quadratic",
		add:         func(s, a, y float64) float64 { d := a - y; return s + d*d/2 },
		grad:        func(a, y float64) float64 { return a - y },
		complexAdd:  func(s, a complex128, y float64) complex128 { d := a - complex(y, 0); return s + d*d/2 },
		gradFormula: "%[1]s - Y",
		squares:     0.5,
	},
	SumSquares: {
		name:        "sum-squares",
		add:         func(s, a, y float64) float64 { d := a - y; return s + d*d },
		grad:        func(a, y float64) float64 { return 2 * (a - y) },
		complexAdd:  func(s, a complex128, y float64) complex128 { d := a - complex(y, 0); return s + d*d },
		gradFormula: "2 * (%[1]s - Y)",
		squares:     1,
	},
	CrossEntropy: {
		name: "cross-entropy",
		add: func(s, a, y float64) float64 {
			if y != 0 {
				s -= y * math.Log(a)
			}
			if y != 1 {
				s -= (1 - y) * math.Log(1-a)
			}
			return s
		},
		// −y/a + (1−y)/(1−a)  (= (a − y) / (a(1 − a)))
		grad: func(a, y float64) float64 {
			var g float64
			if y != 0 {
				g -= y / a
			}
			if y != 1 {
				g += (1 - y) / (1 - a)
			}
			return g
		},
		complexAdd: func(s, a complex128, y float64) complex128 {
			if y != 0 {
				s -= complex(y, 0) * cmplx.Log(a)
			}
			if y != 1 {
				s -= complex(1-y, 0) * cmplx.Log(1-a)
			}
			return s
		},
		gradFormula: "(%[1]s - Y) / (%[1]s * (1 - %[1]s))", gradProduct: true,
		unitOutputs: true, unitTargets: true,
		shortcut: Sigmoid, hasShortcut: true, cancels: []Activation{Sigmoid},
	},
	LogLikelihood: {
		name: "log-likelihood",
		add: func(s, a, y float64) float64 {
			if y != 0 {
				s -= y * math.Log(a)
			}
			return s
		},
		grad: func(a, y float64) float64 {
			if y != 0 {
				return -y / a
			}
			return 0
		},
		complexAdd: func(s, a complex128, y float64) complex128 {
			if y != 0 {
				s -= complex(y, 0) * cmplx.Log(a)
			}
			return s
		},
		gradFormula: "-Y / %[1]s",
		unitOutputs: true, unitTargets: true, oneHot: true,
		cancels: []Activation{Softmax},
	},
}

// Costs lists every cost.
var Costs = func() []Cost {
	list := make([]Cost, len(costRows))
	for i := range list {
		list[i] = Cost(i)
	}
	return list
}()

var costNames = func() []string {
	names := make([]string, len(costRows))
	for i, r := range costRows {
		names[i] = r.name
	}
	return names
}()

func (c Cost) row() *costRow {
	if c < 0 || int(c) >= len(costRows) {
		panic("derive: no " + c.String())
	}
	return &costRows[c]
}

func (c Cost) String() string { return nameOf(costNames, int(c), "cost") }

// ParseCost returns the cost named s.
func ParseCost(s string) (Cost, error) {
	return parseName("cost", Costs, costNames, s)
}

// UnitOutputs reports whether the cost takes ln a, so that the outputs
// must lie in (0,1): a sigmoid or softmax output layer (Activation.UnitOutputs).
func (c Cost) UnitOutputs() bool { return c.row().unitOutputs }

// UnitTargets reports whether the targets must lie in [0,1].
func (c Cost) UnitTargets() bool { return c.row().unitTargets }

// OneHot reports whether the cost is meant for one-hot targets, which
// random problems then draw.
func (c Cost) OneHot() bool { return c.row().oneHot }

// Shortcut reports whether act's f′ cancels ∂C_x/∂a exactly, whatever the
// targets, so that δ^L = a − y (a sigmoid output under cross-entropy).
func (c Cost) Shortcut(act Activation) bool {
	r := c.row()
	return r.hasShortcut && r.shortcut == act
}

// CancelsWith reports whether δ^L = a − y for an output layer act: the
// shortcut, or softmax under log-likelihood with one-hot targets.
func (c Cost) CancelsWith(act Activation) bool {
	for _, a := range c.row().cancels {
		if a == act {
			return true
		}
	}
	return false
}

// Cancellations lists the output activation and cost pairs whose f′
// cancels, for messages: "sigmoid output with cross-entropy, softmax
// output with log-likelihood".
func Cancellations() string {
	var pairs []string
	for _, c := range Costs {
		for _, a := range c.row().cancels {
			pairs = append(pairs, printf.Sprintf("%v output with %v", a, c))
		}
	}
	return strings.Join(pairs, ", ")
}

// Squares is s in C_x = s Σ (a−y)², or 0 for a cost that is not a sum of
// squares.
func (c Cost) Squares() float64 { return c.row().squares }

// GradFormula is ∂C_x/∂a in the formula language for the outputs named
// out ("A2"), and whether it is a product or quotient, which multiplies
// by f′ left to right without parentheses.
func (c Cost) GradFormula(out string) (formula string, product bool) {
	r := c.row()
	return printf.Sprintf(r.gradFormula, out), r.gradProduct
}

// Value is C_x = Σ_k c(a_k, y_k) over the given outputs a and targets y.
//
//	quadratic       ½ Σ (a−y)²
//	sum-squares       Σ (a−y)²
//	cross-entropy   −Σ [y ln a + (1−y) ln(1−a)]
//	log-likelihood  −Σ y ln a
//
// Terms with y = 0 (or 1−y = 0) are left out, so 0·ln 0 counts as 0.
func (c Cost) Value(a, y []float64) float64 {
	add := c.row().add
	var s float64
	for k := range a {
		s = add(s, a[k], y[k])
	}
	return s
}

// Grad sets g = ∂C_x/∂a, entry by entry.
//
//	quadratic       a − y
//	sum-squares     2(a − y)
//	cross-entropy   −y/a + (1−y)/(1−a)   (= (a − y) / (a(1 − a)))
//	log-likelihood  −y / a
//
// Terms with y = 0 (or 1−y = 0) are left out, as in Value, so a sigmoid
// saturated at exactly the right answer gives 0, not 0/0.
func (c Cost) Grad(g, a, y []float64) {
	grad := c.row().grad
	for k := range a {
		g[k] = grad(a[k], y[k])
	}
}

// outputDelta sets δ^L = ∂C_x/∂z^L for one example and returns g = ∂C_x/∂a^L
// in g. Where the output's f′ cancels the cost's gradient (a sigmoid with
// cross-entropy: σ′(z) = a(1−a) cancels the denominator of g exactly),
// δ = a − y is computed in that form: the same number, without 0·∞ when
// a sigmoid saturates to exactly 0 or 1.
func outputDelta(c Cost, act Activation, delta, g, z, a, y []float64) {
	c.Grad(g, a, y)
	if c.Shortcut(act) {
		for k := range delta {
			delta[k] = a[k] - y[k]
		}
		return
	}
	act.BackStep(delta, g, z, a)
}

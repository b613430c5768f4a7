package plots

import (
	"fmt"
	"math"
	"strings"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/experiments"
)

// RegularizationCaption is the caption of the regularization heat map
// (Gradcheck drawing experiments.RunRegcheck's rows), from its problem and
// rows: the term and the dropout as the problem has them, each row's
// largest errors and status, and, where the data bear them out, that the
// L2 term's absence is (λ/N)|ω| in every entry and that a dropout mistake
// of one layer leaves the layers above it right and is inherited by those
// below.
func RegularizationCaption(g *experiments.Gradcheck) string {
	var b strings.Builder
	n := g.Problem.Net
	m := g.Problem.Batch()
	b.WriteString("The first figure's heat map for a regularized problem")
	if n.L2.On() {
		fmt.Fprintf(&b, ", C = C₀ + (λ/(2N)) Σ_ℓ ‖W^ℓ‖² over the weights only with λ = %g and N = %d", n.L2.Lambda, n.L2.Divisor(n.Reduction, m))
		if n.L2.N == 0 && n.Reduction == derive.Mean {
			b.WriteString(" (N = m, the batch, as Ng's course divides; Nielsen's chapter 3 divides by the training set's size n)")
		}
	}
	var drop []string
	keep := 0.0
	for i, l := range n.Layers {
		if l.Drop != nil {
			drop = append(drop, fmt.Sprint(i+1))
			keep = l.Drop.Keep
		}
	}
	if len(drop) > 0 {
		layers := "layer"
		if len(drop) > 1 {
			layers = "layers"
		}
		fmt.Fprintf(&b, ", and inverted dropout A^ℓ = (D^ℓ ⊙ f(Z^ℓ))/p with p = %g on %s %s, the masks D^ℓ fixed so that the cost is one function finite differences can check",
			keep, layers, list(drop))
	}
	b.WriteString(". Each row is a learner's gradient, checked as backproof check --gradient checks one, each entry of ∂C/∂W coloured by its relative error against central differences. ")
	for _, row := range g.Rows {
		errs := rowHead(&b, row)
		switch row.Code {
		case "":
			if _, hi := minMax(errs); hi <= agreeTol {
				b.WriteString(" — finite-difference noise: the L2 term's (λ/N) W^ℓ, the masks and their 1/p are all in")
			}
		case compare.L2Missing:
			if c, ok := l2Exact(g, row); ok {
				fmt.Fprintf(&b, " — every entry is off by exactly (λ/N)|ω| = %s|ω|, the derivative of the term, which sits in each layer's own ∂C/∂W^ℓ: each layer is wrong of its own accord", num(c))
			}
		case compare.DropoutMaskMissing, compare.DropoutKeepMissing:
			if k, ok := inheritedBelow(row); ok {
				fmt.Fprintf(&b, " — the mistake is in δ%s: %s above it %s right, and %s below %s it, computed by a right line from the wrong δ%s, so backproof points at layer %d's line",
					sup(k), weights(k+1, len(row.RelError)), isAre(len(row.RelError)-k), weights(1, k-1), inheritVerb(k-1), sup(k), k)
				if row.Code == compare.DropoutMaskMissing {
					fmt.Fprintf(&b, " (a dropped unit's δ must be 0: D%s ⊙ before the 1/p, Ng's dA = dA * D)", sup(k))
				} else {
					fmt.Fprintf(&b, " (without it δ%s is p = %g times the truth, Ng's dA = dA / keep_prob)", sup(k), keep)
				}
			}
		}
		b.WriteString(". ")
	}
	return strings.TrimSpace(b.String())
}

// l2Exact reports whether every entry of row's ∂C/∂W is off from the finite
// differences by (λ/N)|ω|, the L2 term's derivative, to the noise floor
// and 1e-6 of the term, and returns λ/N.
func l2Exact(g *experiments.Gradcheck, row experiments.GradcheckRow) (float64, bool) {
	n := g.Problem.Net
	c := n.L2.Coeff(n.Reduction, g.Problem.Batch())
	if c == 0 || len(row.AbsError) != len(n.Layers) {
		return c, false
	}
	for ℓ, l := range n.Layers {
		r, cols := l.W.Dims()
		if ar, ac := row.AbsError[ℓ].Dims(); ar != r || ac != cols {
			return c, false
		}
		for i := range r {
			for j := range cols {
				want := c * math.Abs(l.W.At(i, j))
				if math.Abs(row.AbsError[ℓ].At(i, j)-want) > math.Max(row.Floor, 1e-6*want) {
					return c, false
				}
			}
		}
	}
	return c, true
}

// inheritedBelow finds the one layer k whose ∂C/∂W row's catalogue names
// the row's mistake and reports whether every layer above k agrees and
// every layer below inherits k's mistake (and there is one above and one
// below).
func inheritedBelow(row experiments.GradcheckRow) (int, bool) {
	k := 0
	for ℓ, codes := range row.Diagnosed {
		for _, c := range codes {
			if c == string(row.Code) {
				if k != 0 {
					return 0, false
				}
				k = ℓ + 1
			}
		}
	}
	if k < 2 || k >= len(row.RelError) || len(row.Inherits) != len(row.RelError) {
		return 0, false
	}
	for ℓ := range row.RelError {
		switch {
		case ℓ+1 > k && judgedMax(row, ℓ) > agreeTol:
			return 0, false
		case ℓ+1 < k && row.Inherits[ℓ] != k:
			return 0, false
		}
	}
	return k, true
}

// weights names W^a … W^b: "W³", "W² and W³".
func weights(a, b int) string {
	var w []string
	for ℓ := a; ℓ <= b; ℓ++ {
		w = append(w, "W"+sup(ℓ))
	}
	if len(w) == 0 {
		return "no layer"
	}
	return list(w)
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func inheritVerb(n int) string {
	if n == 1 {
		return "inherits"
	}
	return "inherit"
}

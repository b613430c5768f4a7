package backproof

import (
	"math"
	"slices"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"gonum.org/v1/gonum/mat"
)

// inherit finds the layers whose arrays differ only because a layer above
// them does. Backpropagation runs from layer L down, and δ^{ℓ−1} is built
// from δ^ℓ, so a mistake in δ^ℓ reaches every layer below it. The first
// wrong layer in backward order is found; its named mistake is planted in
// backproof's δ^ℓ (compare.Context.DeltaWith) and carried down by correct
// backpropagation; each lower array that equals the result, within the
// array's own tolerance, inherits the mistake: it is not one of its own,
// and the line to fix is the first layer's. Those layers' entries are
// listed first among the worst. It returns the first wrong layer when
// some array inherits its mistake, else 0, and, when a lower dropout layer
// forgot its own 1/p as well as inheriting the first wrong layer's
// (keepBoth), which layer and by what factors, else nil.
func (lc *GradientResult) inherit(n *derive.Net, t *derive.Trace, arrays []learnerArray) (int, *BothKeeps) {
	first := 0
	for ℓ := len(n.Layers); ℓ >= 1 && first == 0; ℓ-- {
		for _, lp := range lc.Params[2*(ℓ-1) : 2*ℓ] {
			if lp.Judged && !lp.Agree {
				first = ℓ
			}
		}
	}
	if first <= 1 {
		return 0, nil
	}
	w, b := lc.Params[2*(first-1)], lc.Params[2*(first-1)+1]
	ms := w.Mistakes
	if len(ms) == 0 {
		ms = b.Mistakes
	}
	δ := compare.ContextFor(n, t, compare.DW, first).DeltaWith(ms)
	if δ == nil {
		return 0, nil
	}
	inherited := false
	var both *BothKeeps
	for ℓ := first - 1; ℓ >= 1; ℓ-- {
		δ = backStep(n, t, ℓ, δ)
		dW, db := paramGradients(n, t, ℓ, δ)
		all := true
		for k, want := range []*mat.Dense{dW, db} {
			lp := &lc.Params[2*(ℓ-1)+k]
			if !lp.ShapeOK || lp.NaN+lp.Inf > 0 || !lp.Judged {
				all = false
				continue
			}
			if !sameWithin(arrays[2*(ℓ-1)+k].got, want, lp) {
				if both == nil {
					both = keepBoth(n, t, ℓ, δ, k, arrays[2*(ℓ-1)+k].got, lp, first, ms)
				}
				all = false
				continue
			}
			if lp.Agree || sameCodes(lp.Mistakes, ms) && !ownLine(ms) {
				// The mistake does not reach this array, or the array's own
				// diagnosis already names it (a missing 1/m is m times
				// every array below): nothing to add.
				continue
			}
			lp.Inherits, lp.Mistakes, lp.Finding = first, nil, Inherited
			inherited = true
		}
		if !all {
			break // a mistake of this layer's own: what lies below inherits both
		}
	}
	if !inherited {
		return 0, both
	}
	return first, both
}

// ownLine reports whether ms holds a mistake that lives in one layer's
// own line of the backward pass, not in a factor of the cost: the 1/p of
// dropout is written once per dropout layer (Ng's dA2 = dA2 / keep_prob).
// A lower dropout layer whose arrays are p times the truth, which its own
// diagnosis would call dropout-keep-prob-missing, inherits the factor when
// correct backpropagation from the wrong δ gives them. A missing 1/m, a
// factor 2 or a sign belongs to the cost, and is named on every array it
// reaches.
func ownLine(ms []compare.Mistake) bool {
	return slices.ContainsFunc(ms, func(m compare.Mistake) bool { return m.Code == compare.DropoutKeepMissing })
}

// keepBoth is the conclusion's finding when the first wrong layer's
// mistake is a missing 1/p and the lower dropout layer ℓ forgot its own
// 1/p as well: its array k (0 dW, 1 db) got, which its diagnosis calls
// dropout-keep-prob-missing, is then what correct backpropagation gives
// from the wrong δ^ℓ (δ) times ℓ's own p, the product of both factors
// (p² when the layers share p). It returns nil otherwise.
func keepBoth(n *derive.Net, t *derive.Trace, ℓ int, δ *mat.Dense, k int, got *mat.Dense, lp *LearnerParam, first int, ms []compare.Mistake) *BothKeeps {
	drop, above := n.Layers[ℓ-1].Drop, n.Layers[first-1].Drop
	if drop == nil || above == nil || !ownLine(ms) || !ownLine(lp.Mistakes) {
		return nil
	}
	var own mat.Dense
	own.Scale(drop.Keep, δ)
	dW, db := paramGradients(n, t, ℓ, &own)
	if !sameWithin(got, []*mat.Dense{dW, db}[k], lp) {
		return nil
	}
	return &BothKeeps{Layer: ℓ, First: first, Own: drop.Keep, Above: above.Keep}
}

// sameWithin reports whether the learner's array got equals want entry by
// entry, to the array's tolerance: within CS231n's tol relative or the
// array's floor, as judgeArray judges it.
func sameWithin(got, want *mat.Dense, lp *LearnerParam) bool {
	r, c := want.Dims()
	if gr, gc := got.Dims(); gr != r || gc != c {
		return false
	}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			g, v := got.At(i, j), want.At(i, j)
			if !(math.Abs(g-v) <= math.Max(math.Max(lp.Tol, compare.MatchTol)*math.Abs(v), lp.Floor)) {
				return false
			}
		}
	}
	return true
}

// backStep is δ^ℓ from δ^{ℓ+1} by the convention's equation:
//
//	row:     δ^ℓ = (δ^{ℓ+1} (W^{ℓ+1})ᵀ) ⊙ f′(Z^ℓ)
//	column:  δ^ℓ = ((W^{ℓ+1})ᵀ δ^{ℓ+1}) ⊙ f′(Z^ℓ)
//
// with a dropout layer's D^ℓ/p applied before f′.
func backStep(n *derive.Net, t *derive.Trace, ℓ int, δ *mat.Dense) *mat.Dense {
	W := n.Layers[ℓ].W
	var da mat.Dense
	if n.Convention.ColumnLayout() {
		da.Mul(W.T(), δ)
	} else {
		da.Mul(δ, W.T())
	}
	act, drop := n.Layers[ℓ-1].Act, n.Layers[ℓ-1].Drop
	da.Apply(func(i, j int, g float64) float64 {
		if drop != nil {
			g = g * drop.Mask.At(i, j) / drop.Keep
		}
		return g * act.Prime(t.Z[ℓ].At(i, j))
	}, &da)
	return &da
}

// paramGradients is ∂C/∂W^ℓ and ∂C/∂b^ℓ from δ^ℓ, each in the layout the
// learner's arrays are judged in (a bias 1×n in the row convention, n×1
// in the others), with an L2 term's (λ/N) W^ℓ.
func paramGradients(n *derive.Net, t *derive.Trace, ℓ int, δ *mat.Dense) (dW, db *mat.Dense) {
	dW = new(mat.Dense)
	r, c := δ.Dims()
	defer func() {
		if decay := n.L2.Coeff(n.Reduction, exampleCount(n, t)); decay != 0 {
			var w mat.Dense
			w.Scale(decay, n.Layers[ℓ-1].W)
			dW.Add(dW, &w)
		}
	}()
	if n.Convention.ColumnLayout() {
		dW.Mul(δ, t.A[ℓ-1].T())
		db = mat.NewDense(r, 1, nil)
		for i := 0; i < r; i++ {
			db.Set(i, 0, mat.Sum(δ.RowView(i)))
		}
		return dW, db
	}
	dW.Mul(t.A[ℓ-1].T(), δ)
	db = mat.NewDense(1, c, nil)
	for j := 0; j < c; j++ {
		db.Set(0, j, mat.Sum(δ.ColView(j)))
	}
	return dW, db
}

// exampleCount is the batch size m of the trace.
func exampleCount(n *derive.Net, t *derive.Trace) int {
	r, c := t.A[0].Dims()
	if n.Convention.ColumnLayout() {
		return c
	}
	return r
}

// sameCodes reports whether own is not empty and each of its codes is
// one of src's.
func sameCodes(own, src []compare.Mistake) bool {
	if len(own) == 0 {
		return false
	}
	for _, m := range own {
		found := false
		for _, n := range src {
			found = found || n.Code == m.Code
		}
		if !found {
			return false
		}
	}
	return true
}

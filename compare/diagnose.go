package compare

import (
	"math"
	"strings"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/printf"
	"gonum.org/v1/gonum/mat"
)

// Code names a mistake of the catalogue. The codes are stable: other tools
// match on them.
type Code string

func (c Code) String() string { return string(c) }

// Join lists codes for people: "missing-1/m, transposed".
func Join(codes []Code) string {
	s := make([]string, len(codes))
	for i, c := range codes {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// The catalogue of classic backprop mistakes. Each code names a
// transformation of the true quantity; a wrong value is explained by every
// transformation (and combination) that reproduces it.
const (
	MissingOneOverM    Code = "missing-1/m"          // m × truth
	ExtraOneOverM      Code = "extra-1/m"            // truth / m
	MissingFactor2     Code = "missing-factor-2"     // truth / 2
	ExtraFactor2       Code = "extra-factor-2"       // 2 × truth
	Sign               Code = "sign"                 // −truth
	Transposed         Code = "transposed"           // truthᵀ
	BiasNotSummed      Code = "bias-not-summed"      // δ left per example
	BiasWrongAxis      Code = "bias-wrong-axis"      // δ summed over the other axis
	FprimeOfA          Code = "fprime-of-A"          // f′(A) in place of f′(Z)
	MissingFprime      Code = "missing-fprime"       // f′(Z) left out
	HadamardForSoftmax Code = "hadamard-for-softmax" // a ⊙ (1−a) in place of softmax's Jacobian
	Scale              Code = "scale"                // c × truth for another constant c

	// The regularization mistakes: in the L2 term's part of ∂C/∂W (or
	// ∂C/∂b), and in a dropout layer's δ.
	L2Missing          Code = "l2-missing"                // ∂C₀/∂W without (λ/N) W
	L2NotDivided       Code = "l2-lambda-not-divided"     // λ W where (λ/N) W belongs
	L2OverM            Code = "l2-lambda-over-m"          // (λ/m) W where (λ/N) W belongs
	L2Factor2          Code = "l2-factor-2"               // 2 (λ/N) W
	BiasRegularized    Code = "bias-regularized"          // ∂C/∂b + (λ/N) b
	DropoutMaskMissing Code = "dropout-mask-missing"      // δ^ℓ without D^ℓ
	DropoutKeepMissing Code = "dropout-keep-prob-missing" // δ^ℓ not divided by p: p × truth
	DropoutWrongMask   Code = "dropout-wrong-mask"        // δ^ℓ with another layer's D
)

// Codes lists the catalogue in the order Diagnose reports it.
var Codes = []Code{MissingOneOverM, ExtraOneOverM, MissingFactor2, ExtraFactor2, Sign, Transposed,
	BiasNotSummed, BiasWrongAxis, FprimeOfA, MissingFprime, HadamardForSoftmax,
	L2Missing, L2NotDivided, L2OverM, L2Factor2, BiasRegularized,
	DropoutMaskMissing, DropoutKeepMissing, DropoutWrongMask, Scale}

// MatchTol is the largest relative error, entry by entry, at which a value
// is taken to equal the truth or a planted mistake: far above float64
// rounding (1e-15), far below any real mistake.
const MatchTol = 1e-6

// noiseFloor is the fraction of the largest entry under which an absolute
// difference is rounding in a sum that cancels, whatever its relative
// error (as Criteria.Floor does for finite differences).
const noiseFloor = 1e-9

// Mistake is one entry of the catalogue that reproduces a wrong value.
type Mistake struct {
	Code    Code    // one of Codes
	Factor  float64 // for Scale: got = Factor × truth (after any transposition)
	Message string  // for people, in the terms of the forum thread
}

// Diagnose tests a wrong value got against the catalogue of classic
// mistakes, each planted in the true quantity truth, and returns every
// mistake that reproduces got, in the order of Codes. Several hold at once
// when only a combination reproduces got (transposed and missing-1/m).
//
// A value that equals the truth gets no mistake, and neither does a value
// that no entry of the catalogue reproduces: Diagnose does not guess. A
// planted mistake that changes nothing here (f′(A) for relu, whose sign
// matches Z's) is not tried. When two explanations are equally simple (with
// m = 2, m × truth is also 2 × truth) both are reported.
//
// got and truth are in the layout of ctx.Convention; got may have another
// shape (bias-not-summed, transposed).
func Diagnose(got, truth *mat.Dense, ctx Context) []Mistake {
	if got == nil || truth == nil {
		return nil
	}
	floor := ctx.floor()
	if sameShape(got, truth) && matches(got, truth, floor) {
		return nil
	}
	var best [][]Code
	bestFactor := math.NaN()
	if terms := ctx.regTerms(truth); terms == nil {
		best, bestFactor = ctx.search(got, truth, floor)
	} else {
		// The L2 term is a sum apart from the data term: each way of
		// writing it is taken off got, and what is left is explained
		// against the data term ∂C₀ alone.
		data := mat.DenseCopyOf(truth)
		data.Sub(data, terms[0].value)
		for _, term := range terms {
			rest := subtractTerm(got, term.value)
			if rest == nil {
				if term.code != "" {
					continue
				}
				rest = got // a shape of its own (bias-not-summed): judged whole
			}
			var found [][]Code
			factor := math.NaN()
			if sameShape(rest, data) && matches(rest, data, floor) {
				found = [][]Code{nil}
			} else {
				found, factor = ctx.search(rest, data, floor)
			}
			for _, codes := range found {
				if term.code != "" {
					codes = append(append([]Code{}, codes...), term.code)
				}
				if len(codes) == 0 {
					continue
				}
				switch {
				case len(best) == 0 || len(codes) < len(best[0]):
					best = [][]Code{codes}
				case len(codes) == len(best[0]):
					best = append(best, codes)
				default:
					continue
				}
				if contains(codes, Scale) {
					bestFactor = factor
				}
			}
		}
	}
	found := map[Code]bool{}
	for _, codes := range best {
		for _, c := range codes {
			found[c] = true
		}
	}
	var out []Mistake
	for _, code := range Codes {
		if found[code] {
			m := Mistake{Code: code, Message: ctx.explain(code, bestFactor)}
			if code == Scale {
				m.Factor = bestFactor
			}
			out = append(out, m)
		}
	}
	return out
}

// subtractTerm is got − term, term transposed when got is (nil when
// neither shape fits: a shape mistake is judged on got whole).
func subtractTerm(got, term *mat.Dense) *mat.Dense {
	var out mat.Dense
	switch {
	case sameShape(got, term):
		out.Sub(got, term)
	case sameShape(got, transpose(term)):
		out.Sub(got, term.T())
	default:
		return nil
	}
	return &out
}

// search returns the simplest lists of codes that reproduce got from
// truth (planted structural mistakes, transposition, constant factors),
// and the factor of Scale when one of them is Scale.
func (ctx Context) search(got, truth *mat.Dense, floor float64) ([][]Code, float64) {
	var best [][]Code
	bestFactor := math.NaN()
	for _, v := range ctx.variants(truth) {
		if v.code != "" && sameShape(v.value, truth) && matches(v.value, truth, floor) {
			continue // indistinguishable from the truth: no evidence of this mistake
		}
		for _, tr := range []bool{false, true} {
			cand := v.value
			if flatBias(ctx, got, cand) {
				// A bias given as a vector has no orientation: 1×n and n×1
				// are the same n numbers, never "transposed".
				if tr {
					continue
				}
				r, c := got.Dims()
				cand = mat.NewDense(r, c, entries(cand))
			} else if tr {
				if isSymmetric(cand) {
					continue
				}
				cand = transpose(cand)
			}
			if !sameShape(cand, got) {
				continue
			}
			c, ok := fitFactor(got, cand, floor)
			if !ok {
				continue
			}
			for _, codes := range factorCodes(c, ctx.M, ctx.Keep, cand) {
				if v.code != "" {
					codes = append(codes, v.code)
				}
				if tr {
					codes = append(codes, Transposed)
				}
				switch {
				case len(best) == 0 || len(codes) < len(best[0]):
					best = [][]Code{codes}
				case len(codes) == len(best[0]):
					best = append(best, codes)
				default:
					continue
				}
				if contains(codes, Scale) {
					bestFactor = c
				}
			}
		}
	}
	return best, bestFactor
}

// Matches reports whether got equals want entry by entry: a relative error
// (RelError) of at most MatchTol, or an absolute difference below 1e-9 of
// the largest entry of either. NaN matches nothing.
func Matches(got, want *mat.Dense) bool {
	return matches(got, want, noiseFloor)
}

// matches is Matches with floor, a fraction of the largest entry, in
// place of noiseFloor.
func matches(got, want *mat.Dense, floor float64) bool {
	return sameShape(got, want) && maxRelError(got, want, floor) <= MatchTol
}

// MaxRelError is the largest RelError between corresponding entries of
// got and want, over the entries whose absolute difference is above the
// noise floor (1e-9 of the largest entry of either matrix): +Inf when any
// entry is NaN or infinite. The matrices must have the same shape.
func MaxRelError(got, want *mat.Dense) float64 {
	return maxRelError(got, want, noiseFloor)
}

// maxRelError is MaxRelError with frac, a fraction of the largest entry,
// in place of noiseFloor.
func maxRelError(got, want *mat.Dense, frac float64) float64 {
	r, c := got.Dims()
	floor := frac * math.Max(maxAbs(got), maxAbs(want))
	var worst float64
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			g, w := got.At(i, j), want.At(i, j)
			if math.IsNaN(g) || math.IsNaN(w) || math.IsInf(g, 0) || math.IsInf(w, 0) {
				if g != w {
					return math.Inf(1)
				}
				continue
			}
			if math.Abs(g-w) <= floor {
				continue
			}
			worst = math.Max(worst, RelError(g, w))
		}
	}
	return worst
}

// fitFactor is the least-squares c = ⟨got, cand⟩ / ⟨cand, cand⟩, and
// whether got = c·cand holds entry by entry. c = 0 explains nothing.
func fitFactor(got, cand *mat.Dense, floor float64) (float64, bool) {
	var gc, cc float64
	r, cols := got.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < cols; j++ {
			g, v := got.At(i, j), cand.At(i, j)
			gc += g * v
			cc += v * v
		}
	}
	if cc == 0 || math.IsNaN(gc) || math.IsInf(gc, 0) || math.IsInf(cc, 0) || math.IsNaN(cc) {
		return 0, false
	}
	c := gc / cc
	if c == 0 || maxAbs(got) == 0 {
		return 0, false
	}
	var scaled mat.Dense
	scaled.Scale(c, cand)
	return c, maxRelError(got, &scaled, floor) <= MatchTol
}

// factorCodes names the constant c as the simplest products of the
// catalogue's factors m, 1/m, 2, 1/2, −1 and, for a dropout layer kept
// with probability keep, keep and keep² (δ not divided by keep_prob, in
// this layer and the one above): one list of codes
// per equally simple product, nil codes for c = 1. A c that no product
// gives is Scale, but only when cand has two or more entries: any two
// nonzero numbers are proportional, so one entry says nothing.
func factorCodes(c float64, m int, keep float64, cand *mat.Dense) [][]Code {
	type named struct {
		f     float64
		codes []Code
	}
	mf := float64(m)
	mPowers := []named{{1, nil}}
	if m > 1 {
		mPowers = append(mPowers, named{mf, []Code{MissingOneOverM}}, named{1 / mf, []Code{ExtraOneOverM}})
	}
	twos := []named{{1, nil}, {2, []Code{ExtraFactor2}}, {0.5, []Code{MissingFactor2}}}
	signs := []named{{1, nil}, {-1, []Code{Sign}}}
	keeps := []named{{1, nil}}
	if keep > 0 && keep < 1 {
		keeps = append(keeps, named{keep, []Code{DropoutKeepMissing}}, named{keep * keep, []Code{DropoutKeepMissing}})
	}
	var best [][]Code
	for _, p := range mPowers {
		for _, q := range twos {
			for _, s := range signs {
				for _, k := range keeps {
					f := p.f * q.f * s.f * k.f
					if RelError(c, f) > MatchTol {
						continue
					}
					codes := append(append(append(append([]Code{}, p.codes...), q.codes...), s.codes...), k.codes...)
					switch {
					case best == nil || len(codes) < len(best[0]):
						best = [][]Code{codes}
					case len(codes) == len(best[0]):
						best = append(best, codes)
					}
				}
			}
		}
	}
	if best != nil {
		return best
	}
	if nonzero(cand) < 2 {
		return nil
	}
	return [][]Code{{Scale}}
}

func nonzero(m *mat.Dense) int {
	var n int
	floor := noiseFloor * maxAbs(m)
	r, c := m.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if math.Abs(m.At(i, j)) > floor {
				n++
			}
		}
	}
	return n
}

func maxAbs(m *mat.Dense) float64 {
	var top float64
	r, c := m.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if v := math.Abs(m.At(i, j)); v > top || math.IsNaN(v) {
				top = v
			}
		}
	}
	if math.IsNaN(top) {
		return 0
	}
	return top
}

// flatBias reports whether got and cand are both bias vectors of the same
// length: one row or one column each.
func flatBias(ctx Context, got, cand *mat.Dense) bool {
	if ctx.Quantity != DB {
		return false
	}
	gr, gc := got.Dims()
	cr, cc := cand.Dims()
	return (gr == 1 || gc == 1) && (cr == 1 || cc == 1) && gr*gc == cr*cc
}

// entries lists m's entries row by row.
func entries(m *mat.Dense) []float64 {
	r, c := m.Dims()
	out := make([]float64, 0, r*c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			out = append(out, m.At(i, j))
		}
	}
	return out
}

func sameShape(a, b *mat.Dense) bool {
	ar, ac := a.Dims()
	br, bc := b.Dims()
	return ar == br && ac == bc
}

func transpose(m *mat.Dense) *mat.Dense {
	return mat.DenseCopyOf(m.T())
}

func isSymmetric(m *mat.Dense) bool {
	r, c := m.Dims()
	return r == c && Matches(m, transpose(m))
}

func contains(list []Code, s Code) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// explain is the catalogue's sentence for code, in the thread's terms.
func (c Context) explain(code Code, factor float64) string {
	q := c.name()
	switch code {
	case MissingOneOverM:
		if c.Reduction == derive.Sum {
			return printf.Sprintf("%s is m = %d times too large; with a summed cost (C = Σ_x C_x) there is no 1/m to forget, so a sum over the batch was taken twice", q, c.M)
		}
		return printf.Sprintf("%s is m = %d times the true value: the cost is a mean, C = (1/m) Σ_x C_x, and the gradient was summed over the batch without the 1/m (the \"1/m term\" of post #3); absorbing it into the learning rate only works with a rate m times smaller (post #31)", q, c.M)
	case ExtraOneOverM:
		if c.Convention == derive.PerExample {
			return printf.Sprintf("%s is the true value divided by m = %d: in the per-example form each example's own gradient ∂C_x carries no 1/m; the reduction belongs to the update, η/m Σ_x (Nielsen's update_mini_batch)", q, c.M)
		}
		if c.Reduction == derive.Sum {
			return printf.Sprintf("%s is the true value divided by m = %d: the cost is a sum, C = Σ_x C_x, so the gradient has no 1/m (\"the cost function does not have to be a mean\", post #28)", q, c.M)
		}
		return printf.Sprintf("%s is the true value divided by m = %d: the 1/m of the mean cost was applied twice, once in δ and again in ∂C/∂W or ∂C/∂b", q, c.M)
	case MissingFactor2:
		return printf.Sprintf("%s is half the true value: the sum of squares Σ‖a − y‖² (no ½) has gradient 2(a − y); a − y is the gradient of the quadratic cost ½Σ‖a − y‖²", q)
	case ExtraFactor2:
		return printf.Sprintf("%s is twice the true value: the quadratic cost ½Σ‖a − y‖² has gradient a − y, the 2 of d(a − y)²/da cancels the ½", q)
	case Sign:
		return printf.Sprintf("%s has the wrong sign: a − y and y − a swapped, or the minus of gradient descent folded into the gradient; a network updated with it climbs the cost", q)
	case Transposed:
		return printf.Sprintf("%s is the transpose of the true value, the other convention's layout: %s (posts #7–#9 and #27: Nielsen's Wᵀδ and the thread's δWᵀ are transposes of each other)", q, c.layoutRule())
	case BiasNotSummed:
		return printf.Sprintf("%s is δ with one row or column per example, not summed: the bias is shared by every example, so ∂C/∂b = Σ over the batch of δ, one number per unit (post #7's ∇_β C = ∇_z C holds for one example only)", q)
	case BiasWrongAxis:
		return printf.Sprintf("%s sums δ over the wrong axis: %s", q, c.axisRule())
	case FprimeOfA:
		return printf.Sprintf("%s has f′ evaluated at the activation A instead of at Z: the chain rule needs f′(Z) (for the sigmoid σ′(Z) = A ⊙ (1 − A); writing σ′(A) applies σ twice)", q)
	case MissingFprime:
		return printf.Sprintf("%s leaves out the activation derivative: δ = ∂C/∂A ⊙ f′(Z); dropping f′ is right only where it cancels (%s), not for %v with %v", q, derive.Cancellations(), c.Act, c.Cost)
	case HadamardForSoftmax:
		return printf.Sprintf("%s uses an elementwise softmax derivative a ⊙ (1 − a): softmax couples the outputs, its Jacobian is diag(a) − a aᵀ, so δ = a ⊙ (g − aᵀg) for g = ∂C/∂A (with log-likelihood δ = a − y)", q)
	case L2Missing:
		return printf.Sprintf("%s leaves out the L2 term's part: C = C₀ + (λ/(2N)) Σ‖W‖² adds (λ/N) W^%d = %s to ∂C/∂W^%d, beside what backpropagation of C₀ gives", q, c.Layer, c.decayWords(), c.Layer)
	case L2NotDivided:
		return printf.Sprintf("%s adds λ W^%d where (λ/N) W^%d belongs: the term is (λ/(2N)) Σ‖W‖² with N = %d, and its derivative keeps the 1/N (λ/m in Ng's course, λ/n in Nielsen's)", q, c.Layer, c.Layer, c.N)
	case L2OverM:
		if c.N == 1 {
			return printf.Sprintf("%s adds (λ/m) W^%d where λ W^%d belongs: this problem's term is (λ/2) Σ‖W‖² (N = 1, a summed cost), so there is no m to divide by", q, c.Layer, c.Layer)
		}
		return printf.Sprintf("%s adds (λ/m) W^%d with m = %d, the batch, where (λ/N) W^%d belongs with N = %d: Nielsen's λ/(2n) divides by the training set's size n, not the mini-batch's", q, c.Layer, c.M, c.Layer, c.N)
	case L2Factor2:
		return printf.Sprintf("%s adds 2 (λ/N) W^%d: the derivative of (λ/(2N)) ‖W‖² is (λ/N) W, the 2 of d(w²)/dw cancels the ½ (writing (λ/m)·2W differentiates λ‖W‖²/m, not λ‖W‖²/(2m))", q, c.Layer)
	case BiasRegularized:
		return printf.Sprintf("%s adds (λ/N) b^%d: the L2 term sums the weights only, Σ_ℓ ‖W^ℓ‖², so ∂C/∂b is backpropagation's Σ δ alone (Nielsen: regularizing the biases makes little difference, and it is not the convention)", q, c.Layer)
	case DropoutMaskMissing:
		return printf.Sprintf("%s leaves the mask out of the backward pass: A^%d = (D^%d ⊙ f(Z^%d))/p, so ∂C/∂Z^%d = ((D^%d ⊙ ∂C/∂A^%d)/p) ⊙ f′(Z^%d); the dropped units had no effect on C and their δ must be 0 (Ng's dA = dA * D before dividing by keep_prob)",
			q, c.source(), c.source(), c.source(), c.source(), c.source(), c.source(), c.source())
	case DropoutKeepMissing:
		return printf.Sprintf("%s comes from a δ not divided by the keep probability p = %g: A^%d = (D^%d ⊙ f(Z^%d))/p carries the 1/p forward, so the backward pass needs (D^%d ⊙ ∂C/∂A^%d)/p too (Ng's dA = dA / keep_prob)",
			q, c.Keep, c.source(), c.source(), c.source(), c.source(), c.source())
	case DropoutWrongMask:
		return printf.Sprintf("%s applies another layer's mask: layer %d's δ needs layer %d's own D^%d, the one its forward pass used", q, c.source(), c.source(), c.source())
	case Scale:
		return printf.Sprintf("%s is %.6g times the true value: a constant factor that m, 2 and −1 do not explain", q, factor)
	}
	return ""
}

// ShapeRule says in words which shape the quantity has in the context's
// convention, and why.
func (c Context) ShapeRule() string {
	if c.Quantity == DB {
		return c.axisRule()
	}
	return c.layoutRule()
}

func (c Context) layoutRule() string {
	switch c.Convention {
	case derive.Row:
		return "in the row convention ∂C/∂W^ℓ = (A^{ℓ−1})ᵀ δ^ℓ is n_{ℓ−1}×n_ℓ like W^ℓ, and δ, A are m×n (one example a row)"
	case derive.Column:
		return "in the column convention ∂C/∂W^ℓ = δ^ℓ (A^{ℓ−1})ᵀ is n_ℓ×n_{ℓ−1} like W^ℓ, and δ, A are n×m (one example a column)"
	}
	return "in the per-example convention ∂C_x/∂W^ℓ = δ^ℓ (a^{ℓ−1})ᵀ is n_ℓ×n_{ℓ−1} like W^ℓ, and δ, a are column vectors"
}

func (c Context) axisRule() string {
	switch c.Convention {
	case derive.Row:
		return "in the row convention examples are rows, so ∂C/∂b = sum(δ, 0), 1×n (post #13's np.sum(grad_z, axis=0)); sum(δ, 1) adds up the units of each example"
	case derive.Column:
		return "in the column convention examples are columns, so ∂C/∂b = sum(δ, 1), n×1 (the video's np.sum(dZ, axis=1, keepdims=True)); sum(δ, 0) adds up the units of each example"
	}
	return "in the per-example convention δ is one example's column and ∂C_x/∂b = δ itself (BP3); sum(δ, 0) adds up its units"
}

package formula

import (
	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/printf"
	"gonum.org/v1/gonum/mat"
)

// oracle is a network with one batch and derive's forward and backward
// pass over it: the truth every line is checked against.
type oracle struct {
	net  *derive.Net
	t    *derive.Trace
	L, m int
	R    float64 // the reduction's factor: 1 or 1/m
	d    dims
	acts []derive.Activation
	y    *mat.Dense
}

func newOracle(net *derive.Net, X, Y *mat.Dense) *oracle {
	p := &oracle{net: net, t: net.Backprop(X, Y), L: len(net.Layers)}
	p.m, _ = X.Dims()
	if net.Convention.ColumnLayout() {
		_, p.m = X.Dims()
	}
	p.R = net.Reduction.Factor(p.m)
	p.d = dims{m: p.m, n: net.Sizes(), perEx: net.Convention == derive.PerExample}
	if net.Convention.ColumnLayout() {
		p.d.conv = colLayout
	}
	for _, l := range net.Layers {
		p.acts = append(p.acts, l.Act)
	}
	p.y = Y
	return p
}

// examples are the runs of a program: one over the whole batch (−1), or
// one per example in the per-example convention.
func (p *oracle) examples() []int {
	if !p.d.perEx {
		return []int{-1}
	}
	xs := make([]int, p.m)
	for i := range xs {
		xs[i] = i
	}
	return xs
}

// column returns example x's column of M as an n×1 matrix, or M itself
// for the whole batch (x = −1).
func column(M *mat.Dense, x int) *mat.Dense {
	if x < 0 {
		return M
	}
	r, _ := M.Dims()
	return mat.NewDense(r, 1, mat.Col(nil, x, M))
}

// env is the predefined names for run x.
func (p *oracle) env(x int) map[string]Value {
	d := p.d
	env := map[string]Value{
		"X":  {M: column(p.t.A[0], x), S: d.batch(0)},
		"A0": {M: column(p.t.A[0], x), S: d.batch(0)},
		"Y":  {M: column(p.y, x), S: d.batch(p.L)},
		"m":  scalar(float64(p.m)),
	}
	for ℓ := 1; ℓ <= p.L; ℓ++ {
		l := p.net.Layers[ℓ-1]
		env[nameInfo{nkA, ℓ}.canonical()] = Value{M: column(p.t.A[ℓ], x), S: d.batch(ℓ)}
		env[nameInfo{nkZ, ℓ}.canonical()] = Value{M: column(p.t.Z[ℓ], x), S: d.batch(ℓ)}
		env[nameInfo{nkW, ℓ}.canonical()] = Value{M: l.W, S: d.weight(ℓ)}
		env[nameInfo{nkB, ℓ}.canonical()] = Value{M: p.biasMatrix(l.B), S: d.bias(ℓ)}
		if l.Drop != nil { // Ng's D1, D2: the layer's mask, shaped like its A
			env[printf.Sprintf("D%d", ℓ)] = Value{M: column(l.Drop.Mask, x), S: d.batch(ℓ)}
			env["keep_prob"] = scalar(l.Drop.Keep)
		}
	}
	if r := p.net.L2; r.On() {
		env["lambd"] = scalar(r.Lambda)                    // Ng's lambd: dW = … + lambd/m * W
		env["reg"] = scalar(r.Coeff(p.net.Reduction, p.m)) // CS231n's reg: dW += reg * W
	}
	return env
}

// biasMatrix lays out b^ℓ: 1×n in rows, n×1 in columns.
func (p *oracle) biasMatrix(b []float64) *mat.Dense {
	if p.d.conv == rowLayout {
		return mat.NewDense(1, len(b), append([]float64(nil), b...))
	}
	return mat.NewDense(len(b), 1, append([]float64(nil), b...))
}

// wantShape is the shape target info must have.
func (p *oracle) wantShape(info nameInfo) Shape {
	switch info.kind {
	case nkDW:
		return p.d.weight(info.layer)
	case nkDB:
		return p.d.bias(info.layer)
	}
	return p.d.batch(info.layer)
}

var quantities = map[nameKind]compare.Quantity{nkDZ: compare.DZ, nkDA: compare.DA, nkDW: compare.DW, nkDB: compare.DB}

// truth is the true value of target info in run x: ∂C/∂· over the batch,
// or in the per-example convention example x's own ∂C_x/∂· (the trace's
// column divided by R). alt, for dZ and dA only, is the other scale the
// learner may carry δ in until dW and db: ∂(Σ_x C_x)/∂Z = truth/R over a
// batch, R·∂C_x/∂z per example; nil when R = 1.
func (p *oracle) truth(info nameInfo, x int) (truth, alt *mat.Dense, ctx compare.Context) {
	ℓ := info.layer
	switch info.kind {
	case nkZ:
		return column(p.t.Z[ℓ], x), nil, ctx
	case nkA:
		return column(p.t.A[ℓ], x), nil, ctx
	}
	q := quantities[info.kind]
	ctx = compare.ContextFor(p.net, p.t, q, ℓ)
	scale := 1.0
	if x >= 0 {
		ctx = ctx.Example(x)
		scale = 1 / p.R
	}
	switch info.kind {
	case nkDZ:
		truth = scaled(scale, column(p.t.Delta[ℓ], x))
	case nkDA:
		if ℓ >= 1 {
			truth = scaled(scale, column(p.t.DA[ℓ], x))
		} else {
			truth = scaled(scale, p.backToInput(x))
		}
	case nkDW:
		if x < 0 {
			truth = p.t.DW[ℓ]
		} else {
			var w mat.Dense
			w.Mul(scaled(scale, column(p.t.Delta[ℓ], x)), column(p.t.A[ℓ-1], x).T()) // BP4: δ aᵀ
			truth = &w
		}
	case nkDB:
		if x < 0 {
			truth = p.biasMatrix(p.t.DB[ℓ])
		} else {
			truth = scaled(scale, column(p.t.Delta[ℓ], x)) // BP3: δ
		}
	}
	if (info.kind == nkDZ || info.kind == nkDA) && p.R != 1 {
		if x < 0 {
			alt = scaled(1/p.R, truth)
		} else {
			alt = scaled(p.R, truth)
		}
	}
	return truth, alt, ctx
}

// dropStages are the values a dA line of a dropout layer holds on its way
// to dZ, as Ng's backward_propagation_with_dropout updates it in place:
// D ⊙ ∂C/∂A (after dA = dA * D) and (D ⊙ ∂C/∂A)/p (after dA = dA /
// keep_prob, the derivative with respect to f(Z) before the mask), in
// either scale; none for other lines and layers.
func (p *oracle) dropStages(info nameInfo, x int, truth, alt *mat.Dense) []*mat.Dense {
	if info.kind != nkDA || info.layer < 1 || info.layer > p.L {
		return nil
	}
	d := p.net.Layers[info.layer-1].Drop
	if d == nil {
		return nil
	}
	D := column(d.Mask, x)
	var out []*mat.Dense
	for _, base := range []*mat.Dense{truth, alt} {
		if base == nil {
			continue
		}
		var masked mat.Dense
		masked.MulElem(base, D)
		out = append(out, &masked, scaled(1/d.Keep, &masked))
	}
	return out
}

// backToInput is ∂C/∂X, which the trace does not keep: δ¹ (W¹)ᵀ in rows,
// (W¹)ᵀ δ¹ in columns.
func (p *oracle) backToInput(x int) *mat.Dense {
	var out mat.Dense
	W, δ := p.net.Layers[0].W, column(p.t.Delta[1], x)
	if p.d.conv == rowLayout {
		out.Mul(δ, W.T())
	} else {
		out.Mul(W.T(), δ)
	}
	return &out
}

func scaled(s float64, M *mat.Dense) *mat.Dense {
	if s == 1 {
		return M
	}
	var out mat.Dense
	out.Scale(s, M)
	return &out
}

package train

import (
	"math"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// perExample is Nielsen's network.py update_mini_batch: a loop over the
// mini-batch, backpropagation one example (one column vector) at a time,
// the gradients summed, then scaled by R (η/m in the book, for mean):
//
//	z^ℓ = W^ℓ a^{ℓ−1} + b^ℓ,  a^ℓ = f(z^ℓ)
//	δ^L = ∇_a C_x ⊙ f′(z^L)                 (BP1; softmax δ = J g)
//	δ^{ℓ−1} = ((W^ℓ)ᵀ δ^ℓ) ⊙ f′(z^{ℓ−1})     (BP2)
//	∇_b += δ^ℓ,  ∇_W += δ^ℓ (a^{ℓ−1})ᵀ        (BP3, BP4)
//
// The input x = a⁰ is given by its nonzero entries (sparse.go), so the
// first layer's W¹x and δ¹xᵀ touch only the columns of W¹ where x_j ≠ 0,
// as the row and column step (step.go) does: a zero input adds 0 to z and
// to ∇_W either way. Its vectors are allocated once; a step allocates
// nothing.
type perExample struct {
	z, a, d []*mat.VecDense // z^ℓ, a^ℓ, δ^ℓ; a[0] unused
	dw      []*mat.Dense
	db      [][]float64
	g, y    []float64 // ∇_a C_x and the one-hot target
	input   *sparseRows
	labels  []int
	// drop is the run's dropout, nil for none; mask[ℓ] holds D/p of the
	// current example's hidden units.
	drop *dropout
	mask [][]float64
}

// newPerExample is the loop for net on the training examples of set.
func newPerExample(net *derive.Net, set *data.Set) *perExample {
	return newPerExampleOn(net, set, newSparseRows(set.X))
}

// newPerExampleOn is newPerExample on input, the nonzeros of set's inputs.
func newPerExampleOn(net *derive.Net, set *data.Set, input *sparseRows) *perExample {
	sizes := net.Sizes()
	L := len(sizes) - 1
	p := &perExample{z: make([]*mat.VecDense, L+1), a: make([]*mat.VecDense, L+1), d: make([]*mat.VecDense, L+1),
		dw: make([]*mat.Dense, L+1), db: make([][]float64, L+1),
		g: make([]float64, sizes[L]), y: make([]float64, sizes[L]),
		input: input, labels: set.Labels}
	p.mask = make([][]float64, L+1)
	for ℓ := 1; ℓ <= L; ℓ++ {
		p.mask[ℓ] = make([]float64, sizes[ℓ])
		p.z[ℓ], p.a[ℓ], p.d[ℓ] = mat.NewVecDense(sizes[ℓ], nil), mat.NewVecDense(sizes[ℓ], nil), mat.NewVecDense(sizes[ℓ], nil)
		r, c := net.Layers[ℓ-1].W.Dims()
		p.dw[ℓ] = mat.NewDense(r, c, nil)
		p.db[ℓ] = make([]float64, r)
	}
	return p
}

func vec(v *mat.VecDense) []float64 { return v.RawVector().Data }

// gradient sets dw, db to the gradient of C = R·Σ_x C_x over the training
// examples idx and returns Σ_x C_x.
func (p *perExample) gradient(net *derive.Net, idx []int, R float64) (costSum float64) {
	L := len(p.z) - 1
	for ℓ := 1; ℓ <= L; ℓ++ {
		clear(raw(p.dw[ℓ]))
		clear(p.db[ℓ])
	}
	for _, i := range idx {
		cols, x := p.input.row(i) // the nonzero x_j and their j
		clear(p.y)
		p.y[p.labels[i]] = 1
		for ℓ := 1; ℓ <= L; ℓ++ {
			l := net.Layers[ℓ-1]
			z := p.z[ℓ]
			if ℓ == 1 {
				mulSparse(vec(z), l.W, cols, x) // z = W x
			} else {
				blas64.Gemv(blas.NoTrans, 1, l.W.RawMatrix(), p.a[ℓ-1].RawVector(), 0, z.RawVector()) // z = W a
			}
			zv := vec(z)
			for k, b := range l.B { //   + b
				zv[k] += b
			}
			l.Act.Activate(vec(p.a[ℓ]), zv)
			if ℓ < L && p.drop != nil { // a = (D ⊙ f(z))/p
				p.drop.apply(vec(p.a[ℓ]), p.mask[ℓ])
			}
		}
		aL, dL := vec(p.a[L]), vec(p.d[L])
		costSum += net.Cost.Value(aL, p.y)
		out := net.Layers[L-1].Act
		if net.Cost.Shortcut(out) {
			for k := range dL {
				dL[k] = aL[k] - p.y[k] // σ′ cancels: δ = a − y
			}
		} else {
			net.Cost.Grad(p.g, aL, p.y)
			out.BackStep(dL, p.g, vec(p.z[L]), aL) // BP1
		}
		for ℓ := L; ℓ >= 1; ℓ-- {
			δ := p.d[ℓ]
			for k, v := range vec(δ) { // BP3
				p.db[ℓ][k] += v
			}
			// BP4: ∇_W += δ (a^{ℓ−1})ᵀ, a rank-one update
			if ℓ == 1 {
				addOuterSparse(p.dw[1], vec(δ), cols, x)
				break
			}
			blas64.Ger(1, δ.RawVector(), p.a[ℓ-1].RawVector(), p.dw[ℓ].RawMatrix())
			prev := p.d[ℓ-1]
			// (W^ℓ)ᵀ δ^ℓ, by blas64 directly: W.T() would allocate
			blas64.Gemv(blas.Trans, 1, net.Layers[ℓ-1].W.RawMatrix(), δ.RawVector(), 0, prev.RawVector())
			pv := vec(prev)
			if p.drop != nil { // (D ⊙ (W^ℓ)ᵀ δ^ℓ)/p
				for j, s := range p.mask[ℓ-1] {
					pv[j] *= s
				}
			}
			net.Layers[ℓ-2].Act.BackStep(pv, pv, vec(p.z[ℓ-1]), nil) // BP2: ⊙ f′(z^{ℓ−1})
		}
	}
	if R != 1 {
		for ℓ := 1; ℓ <= L; ℓ++ {
			dw := raw(p.dw[ℓ])
			for k := range dw {
				dw[k] *= R
			}
			for k := range p.db[ℓ] {
				p.db[ℓ][k] *= R
			}
		}
	}
	return costSum
}

// mulSparse sets z = W x for x given by its nonzero entries x[q] at
// positions cols[q]: z_k = Σ_q W[k, cols[q]] x[q].
func mulSparse(z []float64, W *mat.Dense, cols []int32, x []float64) {
	for k := range z {
		row := W.RawRowView(k)
		var s float64
		for q, j := range cols {
			s += row[j] * x[q]
		}
		z[k] = s
	}
}

// addOuterSparse adds δ xᵀ to G for x given by its nonzero entries x[q] at
// positions cols[q]: G[k, cols[q]] += δ_k x[q]; the other columns would
// gain δ_k·0.
func addOuterSparse(G *mat.Dense, δ []float64, cols []int32, x []float64) {
	for k, dk := range δ {
		row := G.RawRowView(k)
		for q, j := range cols {
			row[j] += dk * x[q]
		}
	}
}

// update takes the step
//
//	W^ℓ ← W^ℓ − η (∂C/∂W^ℓ + decay·W^ℓ),   b^ℓ ← b^ℓ − η ∂C/∂b^ℓ
//
// (decay = λ/n is network2's L2 term; biases are not decayed) and reports
// whether every parameter is still finite. The check is one addition per
// parameter: a sum of finite numbers is NaN or ±Inf only if an addend is,
// or if it overflows, which is an overflow too.
func update(net *derive.Net, dw []*mat.Dense, db [][]float64, eta, decay float64) (finite bool) {
	var s float64
	for ℓ, l := range net.Layers {
		W, G := raw(l.W), raw(dw[ℓ+1])
		if decay == 0 {
			for i, g := range G {
				W[i] -= eta * g
				s += W[i]
			}
		} else {
			for i, g := range G {
				W[i] -= eta * (g + decay*W[i])
				s += W[i]
			}
		}
		for i, g := range db[ℓ+1] {
			l.B[i] -= eta * g
			s += l.B[i]
		}
	}
	return !math.IsNaN(s) && !math.IsInf(s, 0)
}

package train

import (
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
// Its vectors are allocated once; a step allocates nothing.
type perExample struct {
	z, a, d []*mat.VecDense // z^ℓ, a^ℓ, δ^ℓ; a[0] is a view of the example's input row
	dw      []*mat.Dense
	db      [][]float64
	g, y    []float64 // ∇_a C_x and the one-hot target
}

func newPerExample(net *derive.Net) *perExample {
	sizes := net.Sizes()
	L := len(sizes) - 1
	p := &perExample{z: make([]*mat.VecDense, L+1), a: make([]*mat.VecDense, L+1), d: make([]*mat.VecDense, L+1),
		dw: make([]*mat.Dense, L+1), db: make([][]float64, L+1),
		g: make([]float64, sizes[L]), y: make([]float64, sizes[L])}
	p.a[0] = mat.NewVecDense(sizes[0], nil)
	for ℓ := 1; ℓ <= L; ℓ++ {
		p.z[ℓ], p.a[ℓ], p.d[ℓ] = mat.NewVecDense(sizes[ℓ], nil), mat.NewVecDense(sizes[ℓ], nil), mat.NewVecDense(sizes[ℓ], nil)
		r, c := net.Layers[ℓ-1].W.Dims()
		p.dw[ℓ] = mat.NewDense(r, c, nil)
		p.db[ℓ] = make([]float64, r)
	}
	return p
}

func vec(v *mat.VecDense) []float64 { return v.RawVector().Data }

// gradient sets dw, db to the gradient of C = R·Σ_x C_x over the examples
// idx of set and returns Σ_x C_x.
func (p *perExample) gradient(net *derive.Net, set *data.Set, idx []int, R float64) (costSum float64) {
	L := len(p.z) - 1
	for ℓ := 1; ℓ <= L; ℓ++ {
		clear(raw(p.dw[ℓ]))
		clear(p.db[ℓ])
	}
	n0 := p.a[0].Len()
	for _, i := range idx {
		// The example's input is row i of the set: as a column vector it
		// holds the same numbers, so a[0] views it without copying.
		p.a[0].SetRawVector(blas64.Vector{N: n0, Inc: 1, Data: set.X.RawRowView(i)})
		clear(p.y)
		p.y[set.Labels[i]] = 1
		for ℓ := 1; ℓ <= L; ℓ++ {
			l := net.Layers[ℓ-1]
			z := p.z[ℓ]
			blas64.Gemv(blas.NoTrans, 1, l.W.RawMatrix(), p.a[ℓ-1].RawVector(), 0, z.RawVector()) // z = W a
			zv := vec(z)
			for k, b := range l.B { //   + b
				zv[k] += b
			}
			l.Act.Activate(vec(p.a[ℓ]), zv)
		}
		aL, dL := vec(p.a[L]), vec(p.d[L])
		costSum += net.Cost.Value(aL, p.y)
		out := net.Layers[L-1].Act
		if net.Cost == derive.CrossEntropy && out == derive.Sigmoid {
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
			blas64.Ger(1, δ.RawVector(), p.a[ℓ-1].RawVector(), p.dw[ℓ].RawMatrix())
			if ℓ == 1 {
				break
			}
			prev := p.d[ℓ-1]
			// (W^ℓ)ᵀ δ^ℓ, by blas64 directly: W.T() would allocate
			blas64.Gemv(blas.Trans, 1, net.Layers[ℓ-1].W.RawMatrix(), δ.RawVector(), 0, prev.RawVector())
			pv := vec(prev)
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

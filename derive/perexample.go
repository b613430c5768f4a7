package derive

import "gonum.org/v1/gonum/mat"

// The per-example convention: Nielsen's network.py. Each example x is a
// column vector; backprop runs once per example and the gradients of the
// mini-batch are summed (and scaled by R = 1/m for a mean cost). W^ℓ is
// n_ℓ×n_{ℓ−1}, b^ℓ is n_ℓ×1. For one example (BP1–BP4 in the book):
//
//	z^ℓ = W^ℓ a^{ℓ−1} + b^ℓ
//	a^ℓ = f(z^ℓ)
//	δ^L = ∇_a C_x ⊙ f′(z^L)             (BP1; softmax: δ^L = J ∇_a C_x, J = diag(a) − a aᵀ)
//	δ^{ℓ−1} = ((W^ℓ)ᵀ δ^ℓ) ⊙ f′(z^{ℓ−1}) (BP2)
//	∂C_x/∂b^ℓ = δ^ℓ                      (BP3)
//	∂C_x/∂W^ℓ = δ^ℓ (a^{ℓ−1})ᵀ           (BP4)
//
// and then ∂C/∂W^ℓ = R Σ_x ∂C_x/∂W^ℓ, ∂C/∂b^ℓ = R Σ_x ∂C_x/∂b^ℓ.
//
// With L2 regularization the cost gains (λ/(2N)) Σ_ℓ ‖W^ℓ‖², which is not a
// sum over examples: it adds (λ/N) W^ℓ to ∂C/∂W^ℓ once, after the loop
// (Nielsen's w → (1 − ηλ/n) w − (η/m) Σ_x ∂C_x/∂w). Inverted dropout on
// hidden layer ℓ multiplies example x's a^ℓ by its column d of the mask:
//
//	a^ℓ = (d^ℓ ⊙ f(z^ℓ)) / p,   δ^{ℓ−1} = ((d^{ℓ−1} ⊙ (W^ℓ)ᵀ δ^ℓ) / p) ⊙ f′(z^{ℓ−1})
//
// The Trace stores example x's vectors as column x of n_ℓ×m matrices, and
// δ, ∂C/∂A already multiplied by R, so that they equal the column
// convention's numbers.

// perExampleForward runs the forward pass one example at a time.
func perExampleForward(n *Net, X *mat.Dense) (Z, A []*mat.Dense) {
	L := len(n.Layers)
	sizes := n.Sizes()
	_, m := X.Dims()
	Z, A = make([]*mat.Dense, L+1), make([]*mat.Dense, L+1)
	A[0] = X
	for ℓ := 1; ℓ <= L; ℓ++ {
		Z[ℓ], A[ℓ] = mat.NewDense(sizes[ℓ], m, nil), mat.NewDense(sizes[ℓ], m, nil)
	}
	for x := 0; x < m; x++ {
		a := mat.VecDenseCopyOf(X.ColView(x))
		for ℓ := 1; ℓ <= L; ℓ++ {
			z, next := forwardOne(n.Layers[ℓ-1], a)
			dropOne(n.Layers[ℓ-1].Drop, next.RawVector().Data, x) // a^ℓ = (d^ℓ ⊙ f(z^ℓ)) / p
			Z[ℓ].SetCol(x, z.RawVector().Data)
			A[ℓ].SetCol(x, next.RawVector().Data)
			a = next
		}
	}
	return Z, A
}

// forwardOne is z = W a + b, a′ = f(z) for one example.
func forwardOne(l Layer, a *mat.VecDense) (z, out *mat.VecDense) {
	r, _ := l.W.Dims()
	z = mat.NewVecDense(r, nil)
	z.MulVec(l.W, a)                     // z = W a
	z.AddVec(z, mat.NewVecDense(r, l.B)) //     + b
	out = mat.NewVecDense(r, nil)
	l.Act.Activate(out.RawVector().Data, z.RawVector().Data)
	return z, out
}

func perExampleBackprop(n *Net, X, Y *mat.Dense) *Trace {
	L := len(n.Layers)
	sizes := n.Sizes()
	_, m := X.Dims()
	R := n.Reduction.Factor(m)
	Z, A := perExampleForward(n, X)
	t := newTrace(n, Z, A)
	for ℓ := 1; ℓ <= L; ℓ++ {
		r, c := n.Layers[ℓ-1].W.Dims()
		t.DW[ℓ], t.DB[ℓ] = mat.NewDense(r, c, nil), make([]float64, r)
		t.DA[ℓ], t.Delta[ℓ] = mat.NewDense(sizes[ℓ], m, nil), mat.NewDense(sizes[ℓ], m, nil)
	}
	t.Penalty = n.Penalty(m)
	t.Cost = t.Penalty // C = (λ/(2N)) Σ‖W‖² + R Σ_x C_x
	for x := 0; x < m; x++ {
		y := mat.Col(nil, x, Y)
		t.Cost += R * n.Cost.Value(mat.Col(nil, x, A[L]), y)
		dA, δ := perExampleOutput(n, mat.Col(nil, x, Z[L]), mat.Col(nil, x, A[L]), y)
		for ℓ := L; ℓ >= 1; ℓ-- {
			W := n.Layers[ℓ-1].W
			a := A[ℓ-1].ColView(x)
			t.DA[ℓ].SetCol(x, scaled(R, dA))
			t.Delta[ℓ].SetCol(x, scaled(R, δ.RawVector().Data))
			var dW mat.Dense
			dW.Outer(R, δ, a)                                // BP4: δ (a^{ℓ−1})ᵀ, times R
			t.DW[ℓ].Add(t.DW[ℓ], &dW)                        //      summed over the batch
			floats(t.DB[ℓ]).addScaled(R, δ.RawVector().Data) // BP3: δ, times R, summed
			if ℓ == 1 {
				break
			}
			back := mat.NewVecDense(sizes[ℓ-1], nil)
			back.MulVec(W.T(), δ) // ∂C_x/∂a^{ℓ−1} = (W^ℓ)ᵀ δ^ℓ
			dA = back.RawVector().Data
			g := droppedOne(n.Layers[ℓ-2].Drop, dA, x) // (d^{ℓ−1} ⊙ ∂C_x/∂a^{ℓ−1}) / p
			z := mat.Col(nil, x, Z[ℓ-1])
			δ = mat.NewVecDense(sizes[ℓ-1], nil)
			n.Layers[ℓ-2].Act.BackStep(δ.RawVector().Data, g, z, nil) // BP2: ⊙ f′(z^{ℓ−1})
		}
	}
	decay := n.L2.Coeff(n.Reduction, m)
	for ℓ := 1; ℓ <= L; ℓ++ {
		addDecay(t.DW[ℓ], decay, n.Layers[ℓ-1].W) // + (λ/N) W^ℓ, once
	}
	return t
}

// dropOne applies example x's column of the mask to one example's vector
// v in place: d ⊙ v / p. A nil d leaves v alone.
func dropOne(d *Dropout, v []float64, x int) {
	if d == nil {
		return
	}
	for k := range v {
		v[k] *= d.Mask.At(k, x) / d.Keep
	}
}

// droppedOne is dropOne on a copy of v (v itself when d is nil).
func droppedOne(d *Dropout, v []float64, x int) []float64 {
	if d == nil {
		return v
	}
	out := append([]float64(nil), v...)
	dropOne(d, out, x)
	return out
}

// perExampleOutput is BP1 for one example: g = ∇_a C_x and δ^L. For a
// softmax output the Jacobian is formed explicitly, as the maths says:
// J_kj = ∂a_k/∂z_j = a_k(1[k=j] − a_j), and δ^L = J g (J is symmetric).
func perExampleOutput(n *Net, z, a, y []float64) (g []float64, δ *mat.VecDense) {
	act := n.Layers[len(n.Layers)-1].Act
	g = make([]float64, len(a))
	δ = mat.NewVecDense(len(a), nil)
	if act != Softmax {
		outputDelta(n.Cost, act, δ.RawVector().Data, g, z, a, y)
		return g, δ
	}
	n.Cost.Grad(g, a, y)
	J := mat.NewSymDense(len(a), nil)
	for k := range a {
		for j := k; j < len(a); j++ {
			v := -a[k] * a[j]
			if k == j {
				v += a[k]
			}
			J.SetSym(k, j, v)
		}
	}
	δ.MulVec(J, mat.NewVecDense(len(g), g))
	return g, δ
}

func scaled(r float64, v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = r * x
	}
	return out
}

type floats []float64

func (f floats) addScaled(r float64, v []float64) {
	for i, x := range v {
		f[i] += r * x
	}
}

package derive

import "gonum.org/v1/gonum/mat"

// The row convention: one example a row, as the thread's opening post and
// numpy learners write it. X is m×n₀, W^ℓ is n_{ℓ−1}×n_ℓ, b^ℓ is 1×n_ℓ.
//
//	Z^ℓ = A^{ℓ−1} W^ℓ + b^ℓ              (b^ℓ added to every row)
//	A^ℓ = f(Z^ℓ)
//	δ^L = ∇_A C ⊙ f′(Z^L)                (softmax: row by row through its Jacobian)
//	δ^{ℓ−1} = (δ^ℓ (W^ℓ)ᵀ) ⊙ f′(Z^{ℓ−1})
//	∂C/∂W^ℓ = (A^{ℓ−1})ᵀ δ^ℓ
//	∂C/∂b^ℓ = Σ over rows of δ^ℓ
//
// The 1/m of a mean cost is already in δ^L = ∂C/∂Z^L, so no later step
// divides by m again.
//
// With L2 regularization, C = C₀ + (λ/(2N)) Σ_ℓ ‖W^ℓ‖², and with inverted
// dropout on hidden layer ℓ (mask D^ℓ, m×n_ℓ like A^ℓ, keep probability p):
//
//	A^ℓ = (D^ℓ ⊙ f(Z^ℓ)) / p
//	δ^{ℓ−1} = ((D^{ℓ−1} ⊙ δ^ℓ (W^ℓ)ᵀ) / p) ⊙ f′(Z^{ℓ−1})
//	∂C/∂W^ℓ = (A^{ℓ−1})ᵀ δ^ℓ + (λ/N) W^ℓ   (A^{ℓ−1} as dropped)
//	∂C/∂b^ℓ = Σ over rows of δ^ℓ           (no λ: biases are not regularized)

func rowForward(n *Net, X *mat.Dense) (Z, A []*mat.Dense) {
	L := len(n.Layers)
	Z, A = make([]*mat.Dense, L+1), make([]*mat.Dense, L+1)
	A[0] = X
	for ℓ := 1; ℓ <= L; ℓ++ {
		W, b := n.Layers[ℓ-1].W, n.Layers[ℓ-1].B
		Z[ℓ] = new(mat.Dense)
		n.mul(Z[ℓ], A[ℓ-1], W) // Z^ℓ = A^{ℓ−1} W^ℓ
		addToEachRow(Z[ℓ], b)  //       + b^ℓ
		A[ℓ] = activate(Row, n.Layers[ℓ-1].Act, Z[ℓ])
		n.Layers[ℓ-1].Drop.drop(A[ℓ]) // dropout: A^ℓ = (D^ℓ ⊙ f(Z^ℓ)) / p
	}
	return Z, A
}

func rowBackprop(n *Net, X, Y *mat.Dense) *Trace {
	L := len(n.Layers)
	Z, A := rowForward(n, X)
	t := newTrace(n, Z, A)
	t.Penalty = n.Penalty(numExamples(n.Convention, X))
	t.Cost = outputCost(n, t.A[L], Y) + t.Penalty // C = C₀ + (λ/(2N)) Σ‖W‖²
	decay := n.L2.Coeff(n.Reduction, numExamples(n.Convention, X))
	t.DA[L], t.Delta[L] = outputLayer(n, t.Z[L], t.A[L], Y)
	for ℓ := L; ℓ >= 1; ℓ-- {
		W, δ := n.Layers[ℓ-1].W, t.Delta[ℓ]
		t.DW[ℓ] = new(mat.Dense)
		n.mul(t.DW[ℓ], t.A[ℓ-1].T(), δ) // ∂C/∂W^ℓ = (A^{ℓ−1})ᵀ δ^ℓ
		addDecay(t.DW[ℓ], decay, W)     //          + (λ/N) W^ℓ
		t.DB[ℓ] = sumRows(δ)            // ∂C/∂b^ℓ = Σ_rows δ^ℓ
		if ℓ == 1 {
			break
		}
		t.DA[ℓ-1] = new(mat.Dense)
		n.mul(t.DA[ℓ-1], δ, W.T()) // ∂C/∂A^{ℓ−1} = δ^ℓ (W^ℓ)ᵀ
		t.Delta[ℓ-1] = new(mat.Dense)
		dA := n.Layers[ℓ-2].Drop.dropped(t.DA[ℓ-1])                   // dropout: (D^{ℓ−1} ⊙ ∂C/∂A^{ℓ−1}) / p
		t.Delta[ℓ-1].MulElem(dA, fprime(n.Layers[ℓ-2].Act, t.Z[ℓ-1])) // ⊙ f′(Z^{ℓ−1})
	}
	return t
}

// addToEachRow adds b to every row of M: numpy's broadcast of a 1×n row.
func addToEachRow(M *mat.Dense, b []float64) {
	r, _ := M.Dims()
	for i := 0; i < r; i++ {
		row := M.RawRowView(i)
		for k := range row {
			row[k] += b[k]
		}
	}
}

// sumRows is Σ over rows: numpy's M.sum(axis=0).
func sumRows(M *mat.Dense) []float64 {
	r, c := M.Dims()
	s := make([]float64, c)
	for i := 0; i < r; i++ {
		for k, v := range M.RawRowView(i) {
			s[k] += v
		}
	}
	return s
}

package derive

import "gonum.org/v1/gonum/mat"

// The column convention: one example a column, vectorized as in Ng's
// course (X = [x₁ … x_m]). X is n₀×m, W^ℓ is n_ℓ×n_{ℓ−1}, b^ℓ is n_ℓ×1.
//
//	Z^ℓ = W^ℓ A^{ℓ−1} + b^ℓ              (b^ℓ added to every column)
//	A^ℓ = f(Z^ℓ)
//	δ^L = ∇_A C ⊙ f′(Z^L)                (softmax: column by column through its Jacobian)
//	δ^{ℓ−1} = ((W^ℓ)ᵀ δ^ℓ) ⊙ f′(Z^{ℓ−1})
//	∂C/∂W^ℓ = δ^ℓ (A^{ℓ−1})ᵀ
//	∂C/∂b^ℓ = Σ over columns of δ^ℓ
//
// Every matrix here is the transpose of its row-convention counterpart:
// (A W)ᵀ = Wᵀ Aᵀ turns each row equation into this one.
//
// With L2 regularization, C = C₀ + (λ/(2N)) Σ_ℓ ‖W^ℓ‖², and with inverted
// dropout on hidden layer ℓ (mask D^ℓ, n_ℓ×m like A^ℓ, keep probability p):
//
//	A^ℓ = (D^ℓ ⊙ f(Z^ℓ)) / p
//	δ^{ℓ−1} = ((D^{ℓ−1} ⊙ (W^ℓ)ᵀ δ^ℓ) / p) ⊙ f′(Z^{ℓ−1})
//	∂C/∂W^ℓ = δ^ℓ (A^{ℓ−1})ᵀ + (λ/N) W^ℓ   (A^{ℓ−1} as dropped)
//	∂C/∂b^ℓ = Σ over columns of δ^ℓ        (no λ: biases are not regularized)

func columnForward(n *Net, X *mat.Dense) (Z, A []*mat.Dense) {
	L := len(n.Layers)
	Z, A = make([]*mat.Dense, L+1), make([]*mat.Dense, L+1)
	A[0] = X
	for ℓ := 1; ℓ <= L; ℓ++ {
		W, b := n.Layers[ℓ-1].W, n.Layers[ℓ-1].B
		Z[ℓ] = new(mat.Dense)
		n.mul(Z[ℓ], W, A[ℓ-1])   // Z^ℓ = W^ℓ A^{ℓ−1}
		addToEachColumn(Z[ℓ], b) //       + b^ℓ
		A[ℓ] = activate(Column, n.Layers[ℓ-1].Act, Z[ℓ])
		n.Layers[ℓ-1].Drop.drop(A[ℓ]) // dropout: A^ℓ = (D^ℓ ⊙ f(Z^ℓ)) / p
	}
	return Z, A
}

func columnBackprop(n *Net, X, Y *mat.Dense) *Trace {
	L := len(n.Layers)
	Z, A := columnForward(n, X)
	t := newTrace(n, Z, A)
	t.Penalty = n.Penalty(numExamples(n.Convention, X))
	t.Cost = outputCost(n, t.A[L], Y) + t.Penalty // C = C₀ + (λ/(2N)) Σ‖W‖²
	decay := n.L2.Coeff(n.Reduction, numExamples(n.Convention, X))
	t.DA[L], t.Delta[L] = outputLayer(n, t.Z[L], t.A[L], Y)
	for ℓ := L; ℓ >= 1; ℓ-- {
		W, δ := n.Layers[ℓ-1].W, t.Delta[ℓ]
		t.DW[ℓ] = new(mat.Dense)
		n.mul(t.DW[ℓ], δ, t.A[ℓ-1].T()) // ∂C/∂W^ℓ = δ^ℓ (A^{ℓ−1})ᵀ
		addDecay(t.DW[ℓ], decay, W)     //          + (λ/N) W^ℓ
		t.DB[ℓ] = sumColumns(δ)         // ∂C/∂b^ℓ = Σ_columns δ^ℓ
		if ℓ == 1 {
			break
		}
		t.DA[ℓ-1] = new(mat.Dense)
		n.mul(t.DA[ℓ-1], W.T(), δ) // ∂C/∂A^{ℓ−1} = (W^ℓ)ᵀ δ^ℓ
		t.Delta[ℓ-1] = new(mat.Dense)
		dA := n.Layers[ℓ-2].Drop.dropped(t.DA[ℓ-1])                   // dropout: (D^{ℓ−1} ⊙ ∂C/∂A^{ℓ−1}) / p
		t.Delta[ℓ-1].MulElem(dA, fprime(n.Layers[ℓ-2].Act, t.Z[ℓ-1])) // ⊙ f′(Z^{ℓ−1})
	}
	return t
}

// addToEachColumn adds b to every column of M: numpy's broadcast of an n×1 column.
func addToEachColumn(M *mat.Dense, b []float64) {
	r, _ := M.Dims()
	for i := 0; i < r; i++ {
		row := M.RawRowView(i)
		for k := range row {
			row[k] += b[i]
		}
	}
}

// sumColumns is Σ over columns: numpy's M.sum(axis=1).
func sumColumns(M *mat.Dense) []float64 {
	r, _ := M.Dims()
	s := make([]float64, r)
	for i := 0; i < r; i++ {
		for _, v := range M.RawRowView(i) {
			s[i] += v
		}
	}
	return s
}

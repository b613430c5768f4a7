// Package mynet is a learner's network written from scratch, the way the
// forum thread's learner wrote his in numpy: the row convention (one
// example a row), Z = A·W + b, sigmoid layers, the quadratic cost averaged
// over the mini-batch. It knows nothing of backproof; its test checks its
// backpropagation with backprooftest.
package mynet

import "math"

// Net is a fully connected network. W[l] is n_l × n_{l+1}, b[l] has
// n_{l+1} numbers.
type Net struct {
	W [][][]float64
	B [][]float64
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// forward returns the activations of every layer for a batch X (m rows).
func (n *Net) forward(X [][]float64) [][][]float64 {
	A := [][][]float64{X}
	for l := range n.W {
		prev, W, b := A[l], n.W[l], n.B[l]
		next := make([][]float64, len(prev))
		for x := range prev {
			next[x] = make([]float64, len(b))
			for k := range b {
				z := b[k]
				for j := range prev[x] {
					z += prev[x][j] * W[j][k]
				}
				next[x][k] = sigmoid(z)
			}
		}
		A = append(A, next)
	}
	return A
}

// Backprop returns ∂C/∂W and ∂C/∂b of C = (1/m) Σ_x ½‖a − y‖², layer by
// layer:
//
//	δ^L = (A^L − Y) ⊙ σ′(Z^L) / m
//	∂C/∂W^l = (A^{l−1})ᵀ δ^l,   ∂C/∂b^l = Σ_rows δ^l
//	δ^{l−1} = δ^l (W^l)ᵀ ⊙ σ′(Z^{l−1})
func (n *Net) Backprop(X, Y [][]float64) (dW [][][]float64, db [][]float64) {
	A := n.forward(X)
	m := float64(len(X))
	L := len(n.W)
	dW, db = make([][][]float64, L), make([][]float64, L)
	delta := make([][]float64, len(X))
	for x, a := range A[L] {
		delta[x] = make([]float64, len(a))
		for k := range a {
			delta[x][k] = (a[k] - Y[x][k]) * a[k] * (1 - a[k]) / m
		}
	}
	for l := L - 1; l >= 0; l-- {
		prev := A[l]
		dW[l] = make([][]float64, len(n.W[l]))
		for j := range dW[l] {
			dW[l][j] = make([]float64, len(n.B[l]))
			for k := range dW[l][j] {
				for x := range prev {
					dW[l][j][k] += prev[x][j] * delta[x][k]
				}
			}
		}
		db[l] = make([]float64, len(n.B[l]))
		for x := range delta {
			for k := range delta[x] {
				db[l][k] += delta[x][k]
			}
		}
		if l == 0 {
			break
		}
		back := make([][]float64, len(prev))
		for x := range prev {
			back[x] = make([]float64, len(prev[x]))
			for j := range prev[x] {
				var s float64
				for k := range delta[x] {
					s += delta[x][k] * n.W[l][j][k]
				}
				back[x][j] = s * prev[x][j] * (1 - prev[x][j])
			}
		}
		delta = back
	}
	return dW, db
}

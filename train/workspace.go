package train

// The batch pass in matrix products: the forward and backward pass of the
// row and column conventions over a whole batch, a matrix product per
// layer, into buffers allocated once. measureSet runs it over a set in
// chunks of evalChunk examples (the per-example convention, whose
// parameters have the column layout, is measured in the column layout).
// Every formula is derive's, in the same order, so the numbers equal
// derive.Backprop's (TestFastPathMatchesDerive); derive's exported
// per-example pieces (Activation.Activate, BackStep, Cost.Value, Cost.Grad)
// are called on whole matrices where they are elementwise. Training steps
// take the faster path of step.go.

import (
	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// workspace holds every matrix of one forward and backward pass over a batch
// of m examples, in the layout of the net's convention: row (X is m×n₀,
// Z^ℓ m×n_ℓ) or column (X is n₀×m, Z^ℓ n_ℓ×m; also used to evaluate the
// per-example convention, whose parameters have the column layout).
type workspace struct {
	col  bool
	m    int
	x, y *mat.Dense   // the batch and its targets
	z, a []*mat.Dense // Z^ℓ, A^ℓ for ℓ = 0..L; a[0] is x, z[0] unused
	d    []*mat.Dense // δ^ℓ = ∂C/∂Z^ℓ (first ∂C/∂A^ℓ, then ⊙ f′ in place)
	dw   []*mat.Dense // ∂C/∂W^ℓ, shaped like W^ℓ
	db   [][]float64  // ∂C/∂b^ℓ
	// one example's output entries, for softmax in the column layout,
	// where an example is a strided column
	ez, ea, ey, eg, ed []float64
}

func newWorkspace(net *derive.Net, m int) *workspace {
	sizes := net.Sizes()
	L := len(sizes) - 1
	w := &workspace{col: net.Convention.ColumnLayout(), m: m,
		z: make([]*mat.Dense, L+1), a: make([]*mat.Dense, L+1), d: make([]*mat.Dense, L+1),
		dw: make([]*mat.Dense, L+1), db: make([][]float64, L+1)}
	w.x = w.batchMatrix(sizes[0])
	w.y = w.batchMatrix(sizes[L])
	w.a[0] = w.x
	for ℓ := 1; ℓ <= L; ℓ++ {
		w.z[ℓ], w.a[ℓ], w.d[ℓ] = w.batchMatrix(sizes[ℓ]), w.batchMatrix(sizes[ℓ]), w.batchMatrix(sizes[ℓ])
		r, c := net.Layers[ℓ-1].W.Dims()
		w.dw[ℓ] = mat.NewDense(r, c, nil)
		w.db[ℓ] = make([]float64, sizes[ℓ])
	}
	nL := sizes[L]
	w.ez, w.ea, w.ey, w.eg, w.ed = make([]float64, nL), make([]float64, nL), make([]float64, nL), make([]float64, nL), make([]float64, nL)
	return w
}

// load copies the examples idx of set into w.x, w.y in w's layout.
func (w *workspace) load(set *data.Set, idx []int) {
	if !w.col {
		set.BatchInto(w.x, w.y, idx)
		return
	}
	x, y := w.x.RawMatrix(), w.y.RawMatrix()
	clear(y.Data)
	for k, i := range idx {
		for j, v := range set.X.RawRowView(i) {
			x.Data[j*x.Stride+k] = v
		}
		y.Data[set.Labels[i]*y.Stride+k] = 1
	}
}

// batchMatrix is m×n in the row layout, n×m in the column layout.
func (w *workspace) batchMatrix(n int) *mat.Dense {
	if w.col {
		return mat.NewDense(n, w.m, nil)
	}
	return mat.NewDense(w.m, n, nil)
}

// raw is a matrix's entries; every workspace matrix is contiguous.
func raw(m *mat.Dense) []float64 { return m.RawMatrix().Data }

// forward runs the forward pass on w.x:
//
//	row:     Z^ℓ = A^{ℓ−1} W^ℓ + b^ℓ    column:  Z^ℓ = W^ℓ A^{ℓ−1} + b^ℓ
//	         A^ℓ = f(Z^ℓ)
func (w *workspace) forward(net *derive.Net) {
	for ℓ := 1; ℓ < len(w.z); ℓ++ {
		l := net.Layers[ℓ-1]
		Z := w.z[ℓ]
		if w.col {
			mul(Z, l.W, false, w.a[ℓ-1], false)
			r, _ := Z.Dims()
			for i := range r {
				row, bi := Z.RawRowView(i), l.B[i]
				for k := range row {
					row[k] += bi
				}
			}
		} else {
			mul(Z, w.a[ℓ-1], false, l.W, false)
			for i := range w.m {
				row := Z.RawRowView(i)
				for k, bk := range l.B {
					row[k] += bk
				}
			}
		}
		w.activate(l.Act, ℓ)
	}
}

// activate sets A^ℓ = f(Z^ℓ): over the whole matrix for elementwise f,
// one example at a time for softmax.
func (w *workspace) activate(act derive.Activation, ℓ int) {
	Z, A := w.z[ℓ], w.a[ℓ]
	switch {
	case act.Elementwise():
		act.Activate(raw(A), raw(Z))
	case !w.col:
		for i := range w.m {
			act.Activate(A.RawRowView(i), Z.RawRowView(i))
		}
	default:
		for j := range w.m {
			mat.Col(w.ez, j, Z)
			act.Activate(w.ea, w.ez)
			A.SetCol(j, w.ea)
		}
	}
}

// costSum is Σ_x C_x over the batch, after forward. Every cost is a sum
// over output entries, so the whole matrix is one call in either layout.
func (w *workspace) costSum(net *derive.Net) float64 {
	return net.Cost.Value(raw(w.a[len(w.a)-1]), raw(w.y))
}

// backward sets dw, db to the gradient of C = R·Σ_x C_x on the batch, after
// forward:
//
//	δ^L = R ∇_A C ⊙ f′(Z^L)     (softmax: example by example, δ = J g)
//	row:     δ^{ℓ−1} = (δ^ℓ (W^ℓ)ᵀ) ⊙ f′(Z^{ℓ−1}),  ∂C/∂W^ℓ = (A^{ℓ−1})ᵀ δ^ℓ,  ∂C/∂b^ℓ = Σ_rows δ^ℓ
//	column:  δ^{ℓ−1} = ((W^ℓ)ᵀ δ^ℓ) ⊙ f′(Z^{ℓ−1}),  ∂C/∂W^ℓ = δ^ℓ (A^{ℓ−1})ᵀ,  ∂C/∂b^ℓ = Σ_columns δ^ℓ
func (w *workspace) backward(net *derive.Net, R float64) {
	L := len(w.z) - 1
	w.outputDelta(net, R)
	for ℓ := L; ℓ >= 1; ℓ-- {
		δ, W := w.d[ℓ], net.Layers[ℓ-1].W
		if w.col {
			mul(w.dw[ℓ], δ, false, w.a[ℓ-1], true)
			r, _ := δ.Dims()
			for i := range r {
				var s float64
				for _, v := range δ.RawRowView(i) {
					s += v
				}
				w.db[ℓ][i] = s
			}
		} else {
			mul(w.dw[ℓ], w.a[ℓ-1], true, δ, false)
			db := w.db[ℓ]
			clear(db)
			for i := range w.m {
				for k, v := range δ.RawRowView(i) {
					db[k] += v
				}
			}
		}
		if ℓ == 1 {
			break
		}
		prev := w.d[ℓ-1]
		if w.col {
			mul(prev, W, true, δ, false)
		} else {
			mul(prev, δ, false, W, true)
		}
		// ⊙ f′(Z^{ℓ−1}): hidden layers are elementwise.
		p := raw(prev)
		net.Layers[ℓ-2].Act.BackStep(p, p, raw(w.z[ℓ-1]), nil)
	}
}

// outputDelta sets δ^L = R·∂(Σ_x C_x)/∂Z^L, as derive does: g = ∇_a C_x,
// δ = g ⊙ f′(z) (for a sigmoid with cross-entropy δ = a − y, the same
// number without 0·∞), then both times R.
func (w *workspace) outputDelta(net *derive.Net, R float64) {
	L := len(w.z) - 1
	act := net.Layers[L-1].Act
	Z, A, D := w.z[L], w.a[L], w.d[L]
	switch {
	case act.Elementwise():
		d := raw(D)
		if net.Cost.Shortcut(act) {
			a, y := raw(A), raw(w.y)
			for k := range d {
				d[k] = a[k] - y[k]
			}
		} else {
			net.Cost.Grad(d, raw(A), raw(w.y))
			act.BackStep(d, d, raw(Z), nil)
		}
	case !w.col:
		for i := range w.m {
			a := A.RawRowView(i)
			net.Cost.Grad(w.eg, a, w.y.RawRowView(i))
			act.BackStep(D.RawRowView(i), w.eg, Z.RawRowView(i), a)
		}
	default:
		for j := range w.m {
			mat.Col(w.ez, j, Z)
			mat.Col(w.ea, j, A)
			mat.Col(w.ey, j, w.y)
			net.Cost.Grad(w.eg, w.ea, w.ey)
			act.BackStep(w.ed, w.eg, w.ez, w.ea)
			D.SetCol(j, w.ed)
		}
	}
	if R != 1 {
		d := raw(D)
		for k := range d {
			d[k] *= R
		}
	}
}

// mul sets c = op(a) op(b), op(m) = mᵀ when its flag is set: what
// mat.Dense.Mul does (blas64.Gemm), without the interface value a.T()
// allocates on every call, and in panels small enough that gonum's Gemm
// runs serially. gonum splits a product into 64×64 blocks of c and, from
// four blocks on, computes them on new goroutines: for a mini-batch of 10
// that costs more than the arithmetic, and allocates. A panel of at most
// 192×64 entries of c is three blocks. Every entry of c is the same sum in
// the same order either way (gonum's blocks run along k in order), so the
// numbers do not depend on the panels.
func mul(c, a *mat.Dense, ta bool, b *mat.Dense, tb bool) {
	const rows, cols = 3 * 64, 64
	A, B, C := a.RawMatrix(), b.RawMatrix(), c.RawMatrix()
	opA, opB := blas.NoTrans, blas.NoTrans
	if ta {
		opA = blas.Trans
	}
	if tb {
		opB = blas.Trans
	}
	if C.Rows <= rows && C.Cols <= cols || C.Rows <= cols && C.Cols <= rows {
		blas64.Gemm(opA, opB, 1, A, B, 0, C)
		return
	}
	pr, pc := rows, cols // tall panels when c is tall, wide when it is wide
	if C.Cols > C.Rows {
		pr, pc = cols, rows
	}
	for i := 0; i < C.Rows; i += pr {
		ni := min(pr, C.Rows-i)
		subA := panel(A, ta, i, ni, true)
		for j := 0; j < C.Cols; j += pc {
			nj := min(pc, C.Cols-j)
			subB := panel(B, tb, j, nj, false)
			subC := blas64.General{Rows: ni, Cols: nj, Stride: C.Stride, Data: C.Data[i*C.Stride+j:]}
			blas64.Gemm(opA, opB, 1, subA, subB, 0, subC)
		}
	}
}

// panel is the part of an operand that rows [i, i+n) of c (left, op(a)) or
// columns [i, i+n) of c (right, op(b)) need, without copying.
func panel(m blas64.General, trans bool, i, n int, left bool) blas64.General {
	// For a left operand, op(a)'s rows i..i+n: a's rows, or a's columns if
	// transposed. For a right operand, op(b)'s columns: b's columns, or
	// b's rows if transposed.
	byRows := left != trans
	if byRows {
		return blas64.General{Rows: n, Cols: m.Cols, Stride: m.Stride, Data: m.Data[i*m.Stride:]}
	}
	return blas64.General{Rows: m.Rows, Cols: n, Stride: m.Stride, Data: m.Data[i:]}
}

package train

// The hot path: one mini-batch step of the row and column conventions, one
// example at a time in the row layout, skipping zero inputs, with the
// gradient added straight into the weights:
//
//	forward, each example x (a row):   z^ℓ = b^ℓ + Σ_{j: a_j ≠ 0} a_j W^ℓ[j,:]   (a = a^{ℓ−1}, a^0 = x)
//	                                    a^ℓ = f(z^ℓ)
//	output:                             δ^L = R ∇_a C_x ⊙ f′(z^L)   (softmax: δ = J g)
//	backward, with the old weights:     δ^{ℓ−1}_j = (Σ_k W^ℓ[j,k] δ^ℓ_k) f′(z^{ℓ−1}_j)
//	update, each example x:             W^ℓ[j,:] += a_j (−η δ^ℓ)  for a_j ≠ 0
//	                                    b^ℓ −= η Σ_x δ^ℓ
//
// which is the row convention's step W ← W − η (A^{ℓ−1})ᵀ δ^ℓ, b ← b − η Σ δ,
// the product (A^{ℓ−1})ᵀ δ^ℓ taken apart into one rank-one piece per
// example and added as it is made; no gradient matrix is stored. With L2,
// W^ℓ is first scaled by 1 − ηλ/n, which with the pieces makes
// W − η (∂C/∂W + (λ/n) W). An input that is 0 contributes nothing
// to z (0·W[j,:]) and nothing to the gradient (0·δ): its row of W is not
// read in the forward pass and not written in the update. An MNIST image
// is 81% zeros, so the first layer — 23,520 of the 23,820 weights of
// [784,30,10] — costs a fifth of its dense price, both ways. The training
// set's nonzero inputs are listed once, before the first step (sparse.go);
// kernel.Gather and kernel.Scatter (internal/kernel) are the two loops over them.
//
// The numbers are the convention's, added in another order: they agree
// with derive.Backprop to rounding (TestFastPathMatchesDerive). The column
// convention runs the same step on the transposed weights — its equations
// are the row ones transposed — and the parameters go back to its layout
// (publish) whenever anything outside the step reads them. A step
// allocates nothing (TestStepAllocatesNothing).

import (
	"math"
	"math/rand/v2"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/kernel"
)

// fastNet is a network as the step keeps it: W^ℓ is n_{ℓ−1}×width[ℓ] in the
// row layout, row j at w[ℓ][j·width[ℓ]:], and b^ℓ has width[ℓ] entries;
// width[ℓ] is n_ℓ rounded up to a multiple of kernel.Width, and the extra
// columns are zeros. Slices are indexed by the layer number ℓ; index 0 is
// unused.
type fastNet struct {
	layers
	wmax []float64 // wmax[ℓ] bounds |W^ℓ|'s entries from above (see update)

	input  *sparseRows // the training set's inputs, nonzeros only
	labels []int       // and classes

	// One mini-batch: example r is training example batch[r], and its
	// rows of Z^ℓ, A^ℓ and δ^ℓ start at r·width[ℓ]. For ℓ ≥ 2, list[ℓ]
	// and val[ℓ] hold from r·n_{ℓ−1} the positions and values of the
	// nonzero entries of its a^{ℓ−1}, count[ℓ][r] of them (the first
	// layer's are input's); amax[ℓ] is the largest |entry| of A^{ℓ−1}.
	batch   []int
	z, a, d [][]float64
	list    [][]int32
	val     [][]float64
	count   [][]int
	amax    []float64
	db      [][]float64 // Σ_x δ^ℓ
	// drop is the run's dropout, nil for none; mask[ℓ] holds D/p of each
	// example's hidden units, laid out as a[ℓ].
	drop    *dropout
	mask    [][]float64
	sink    float64   // what sparseRows.touch returns
	y, g, v []float64 // one example's target, ∂C_x/∂a^L, and −η δ^ℓ
}

// layers is a network's parameters as the step and the measurements keep
// them (see fastNet).
type layers struct {
	sizes []int // n₀, n₁, …, n_L
	width []int
	acts  []derive.Activation
	cost  derive.Cost
	w, b  [][]float64
	// wt[ℓ] (ℓ ≥ 2) is (W^ℓ)ᵀ, row k of it unit k's incoming weights,
	// width[ℓ−1] wide, as transpose last set it (backThrough); units
	// lists 0, 1, 2, … for its rows.
	wt    [][]float64
	units []int32
}

// newLayers holds net's parameters in the row layout, padded.
func newLayers(net *derive.Net) *layers {
	sizes := net.Sizes()
	L := len(sizes) - 1
	l := &layers{sizes: sizes, width: make([]int, L+1), acts: make([]derive.Activation, L+1), cost: net.Cost,
		w: make([][]float64, L+1), b: make([][]float64, L+1), wt: make([][]float64, L+1)}
	for ℓ := 1; ℓ <= L; ℓ++ {
		l.width[ℓ] = (sizes[ℓ] + kernel.Width - 1) / kernel.Width * kernel.Width
		l.acts[ℓ] = net.Layers[ℓ-1].Act
		l.w[ℓ] = alone[float64](sizes[ℓ-1] * l.width[ℓ])
		l.b[ℓ] = alone[float64](l.width[ℓ])
		if ℓ >= 2 {
			l.wt[ℓ] = alone[float64](sizes[ℓ] * l.width[ℓ-1])
		}
		if sizes[ℓ] > len(l.units) {
			l.units = make([]int32, sizes[ℓ])
			for k := range l.units {
				l.units[k] = int32(k)
			}
		}
	}
	l.load(net)
	return l
}

// newFastNet holds net's parameters in the row layout, for steps on the
// training examples of set, m at a time (more allocate once).
func newFastNet(net *derive.Net, set *data.Set, m int) *fastNet {
	return newFastNetOn(net, set, newSparseRows(set.X), m)
}

// newFastNetOn is newFastNet on input, the nonzeros of set's inputs.
func newFastNetOn(net *derive.Net, set *data.Set, input *sparseRows, m int) *fastNet {
	sizes := net.Sizes()
	L := len(sizes) - 1
	f := &fastNet{layers: *newLayers(net), wmax: alone[float64](L + 1), input: input, labels: set.Labels,
		list: make([][]int32, L+1), val: make([][]float64, L+1), amax: alone[float64](L + 1), db: make([][]float64, L+1)}
	maxWidth := 0
	for ℓ := 1; ℓ <= L; ℓ++ {
		f.db[ℓ] = alone[float64](f.width[ℓ])
		maxWidth = max(maxWidth, f.width[ℓ])
		f.wmax[ℓ], _ = scan(f.w[ℓ])
	}
	f.y, f.g, f.v = alone[float64](sizes[L]), alone[float64](sizes[L]), alone[float64](maxWidth)
	f.grow(m)
	return f
}

// grow makes the batch buffers hold m examples.
func (f *fastNet) grow(m int) {
	if len(f.count) > 0 && len(f.count[1]) >= m {
		return
	}
	L := len(f.sizes) - 1
	f.z, f.a, f.d, f.count = make([][]float64, L+1), make([][]float64, L+1), make([][]float64, L+1), make([][]int, L+1)
	f.mask = make([][]float64, L+1)
	for ℓ := 1; ℓ <= L; ℓ++ {
		f.z[ℓ], f.a[ℓ], f.d[ℓ] = alone[float64](m*f.width[ℓ]), alone[float64](m*f.width[ℓ]), alone[float64](m*f.width[ℓ])
		f.mask[ℓ] = alone[float64](m * f.width[ℓ])
		f.count[ℓ] = alone[int](m)
		if ℓ >= 2 {
			f.list[ℓ], f.val[ℓ] = alone[int32](m*f.sizes[ℓ-1]), alone[float64](m*f.sizes[ℓ-1])
		}
	}
}

// load copies net's parameters in: W^ℓ as it is in the row layout,
// transposed from the column layout.
func (f *layers) load(net *derive.Net) {
	col := net.Convention.ColumnLayout()
	for ℓ := 1; ℓ < len(f.sizes); ℓ++ {
		l, wd := net.Layers[ℓ-1], f.width[ℓ]
		for j := range f.sizes[ℓ-1] {
			row := f.w[ℓ][j*wd:][:f.sizes[ℓ]]
			if col {
				for k := range row {
					row[k] = l.W.At(k, j)
				}
			} else {
				copy(row, l.W.RawRowView(j))
			}
		}
		copy(f.b[ℓ], l.B)
	}
}

// transpose sets wt to the transposes of the weights, for backThrough.
func (f *layers) transpose() {
	for ℓ := 2; ℓ < len(f.sizes); ℓ++ {
		n, np, wd, wp := f.sizes[ℓ], f.sizes[ℓ-1], f.width[ℓ], f.width[ℓ-1]
		W, WT := f.w[ℓ], f.wt[ℓ]
		for j := range np {
			for k, v := range W[j*wd:][:n] {
				WT[k*wp+j] = v
			}
		}
	}
}

// backThrough sets prev = W^ℓ δ, the step back through layer ℓ's weights
// before f′: prev_j = Σ_k W^ℓ[j,k] δ_k for the n_{ℓ−1} units j, and 0 in
// the padding. It is a gather of the rows k of (W^ℓ)ᵀ (transpose, since
// W^ℓ last changed) with the coefficients δ_k: the kernels' loop, where a
// short dot product per unit j in Go took a tenth of the measuring. prev
// is width[ℓ−1] long.
func (f *layers) backThrough(ℓ int, prev, d []float64) {
	n := f.sizes[ℓ]
	clear(prev)
	kernel.Gather(prev, f.wt[ℓ], f.width[ℓ-1], f.units[:n], d[:n])
}

// copyFrom copies src's parameters in; src has the same sizes.
func (f *layers) copyFrom(src *layers) {
	for ℓ := 1; ℓ < len(f.sizes); ℓ++ {
		copy(f.w[ℓ], src.w[ℓ])
		copy(f.b[ℓ], src.b[ℓ])
	}
}

// publish copies the parameters out into net, in net's layout.
func (f *fastNet) publish(net *derive.Net) {
	col := net.Convention.ColumnLayout()
	for ℓ := 1; ℓ < len(f.sizes); ℓ++ {
		l, wd := net.Layers[ℓ-1], f.width[ℓ]
		for j := range f.sizes[ℓ-1] {
			row := f.w[ℓ][j*wd:][:f.sizes[ℓ]]
			if col {
				for k, v := range row {
					l.W.Set(k, j, v)
				}
			} else {
				copy(l.W.RawRowView(j), row)
			}
		}
		copy(l.B, f.b[ℓ])
	}
}

// step is one mini-batch step on the examples idx of the training set,
// with R the reduction's factor and decay = λ/n: it returns the batch cost
// C = R Σ_x C_x and whether every parameter is still finite; a non-finite
// cost is returned without updating.
func (f *fastNet) step(idx []int, R, eta, decay float64) (cost float64, finite bool) {
	f.grow(len(idx))
	f.batch = idx
	f.sink += f.input.fetch(idx)
	clear(f.amax)
	var sum float64
	for r := range idx {
		sum += f.forward(r, R)
	}
	cost = R * sum
	if !isFinite(cost) {
		return cost, true
	}
	f.backward(len(idx))
	return cost, f.update(len(idx), eta, decay)
}

// forward runs example r of the batch through the net, sets its δ^L, and
// returns its C_x.
func (f *fastNet) forward(r int, R float64) float64 {
	L := len(f.sizes) - 1
	rows, vals := f.inputs(1, r)
	for ℓ := 1; ℓ <= L; ℓ++ {
		n, wd := f.sizes[ℓ], f.width[ℓ]
		z := f.z[ℓ][r*wd:][:wd]
		copy(z, f.b[ℓ])                          // z = b
		kernel.Gather(z, f.w[ℓ], wd, rows, vals) //   + Σ_j a_j W[j,:]
		a := f.a[ℓ][r*wd:][:n]
		activate(f.acts[ℓ], a, z[:n])
		if ℓ < L && f.drop != nil { // a = (D ⊙ f(z))/p
			f.drop.apply(a, f.mask[ℓ][r*wd:][:n])
		}
		if ℓ < L {
			rows, vals = f.nonzeros(ℓ+1, r, a)
		}
	}
	n, wd := f.sizes[L], f.width[L]
	z, a, d := f.z[L][r*wd:][:n], f.a[L][r*wd:][:n], f.d[L][r*wd:][:n]
	clear(f.y)
	f.y[f.labels[f.batch[r]]] = 1
	// δ^L = R ∇_a C_x ⊙ f′(z), as derive does: for a sigmoid with
	// cross-entropy δ = a − y, the same number without 0·∞.
	outputDelta(f.cost, f.acts[L], d, f.g, z, a, f.y)
	if R != 1 {
		for k := range d {
			d[k] *= R
		}
	}
	return f.cost.Value(a, f.y)
}

// nonzeros lists the nonzero entries of a, example r's a^{ℓ−1}, as layer
// ℓ's inputs, and keeps amax[ℓ] up to date.
func (f *fastNet) nonzeros(ℓ, r int, a []float64) ([]int32, []float64) {
	n := len(a)
	list, val := f.list[ℓ][r*n:][:n], f.val[ℓ][r*n:][:n]
	c := 0
	for j, v := range a {
		if v != 0 {
			list[c], val[c] = int32(j), v
			c++
			f.amax[ℓ] = maxAbsNaN(f.amax[ℓ], v)
		}
	}
	f.count[ℓ][r] = c
	return list[:c], val[:c]
}

// inputs returns the nonzero entries of example r's a^{ℓ−1}: for the
// first layer, its inputs.
func (f *fastNet) inputs(ℓ, r int) ([]int32, []float64) {
	if ℓ == 1 {
		return f.input.row(f.batch[r])
	}
	n, c := f.sizes[ℓ-1], f.count[ℓ][r]
	return f.list[ℓ][r*n:][:c], f.val[ℓ][r*n:][:c]
}

// backward sets δ^{ℓ−1} from δ^ℓ for every example and hidden layer, with
// the weights the forward pass used:
//
//	δ^{ℓ−1}_j = (Σ_k W^ℓ[j,k] δ^ℓ_k) f′(z^{ℓ−1}_j)
func (f *fastNet) backward(m int) {
	f.transpose()
	for ℓ := len(f.sizes) - 1; ℓ >= 2; ℓ-- {
		wd, np, wp := f.width[ℓ], f.sizes[ℓ-1], f.width[ℓ-1]
		for r := range m {
			prev := f.d[ℓ-1][r*wp:][:wp]
			f.backThrough(ℓ, prev, f.d[ℓ][r*wd:][:wd])
			prev = prev[:np]
			if f.drop != nil {
				// (D ⊙ W δ)/p, then f′ from z: the a kept is the dropped one
				for j, s := range f.mask[ℓ-1][r*wp:][:np] {
					prev[j] *= s
				}
				f.acts[ℓ-1].BackStep(prev, prev, f.z[ℓ-1][r*wp:][:np], nil)
				continue
			}
			backStep(f.acts[ℓ-1], prev, prev, f.z[ℓ-1][r*wp:][:np], f.a[ℓ-1][r*wp:][:np])
		}
	}
}

// dropout is inverted dropout while training: each hidden unit of each
// example is kept with probability keep, and a kept unit's output divided
// by keep, so that its expected value is f(z) (Nielsen's chapter 3 halves
// the outgoing weights at test time instead, the same in expectation).
type dropout struct {
	keep float64
	rng  *rand.Rand
}

// apply draws a mask for one example's units, keeps D/p in mask, and sets
// a = (D ⊙ a)/p.
func (d *dropout) apply(a, mask []float64) {
	for k := range a {
		if d.rng.Float64() < d.keep {
			mask[k] = 1 / d.keep
			a[k] *= 1 / d.keep
		} else {
			mask[k] = 0
			a[k] = 0
		}
	}
}

// activate sets a = f(z) for one example, as derive.Activation.Activate
// does; the sigmoid, nearly every unit of the book's nets, runs
// kernel.Sigmoid, without a call and a switch per unit.
func activate(act derive.Activation, a, z []float64) {
	if act == derive.Sigmoid {
		kernel.Sigmoid(a, z)
		return
	}
	act.Activate(a, z)
}

// outputDelta sets d = δ^L = ∂C_x/∂z^L for one example, as derive does,
// using g for ∂C_x/∂a^L: for a sigmoid with cross-entropy δ = a − y, the
// same number without 0·∞ when the sigmoid saturates.
func outputDelta(cost derive.Cost, act derive.Activation, d, g, z, a, y []float64) {
	if cost.Shortcut(act) {
		for k := range d {
			d[k] = a[k] - y[k]
		}
		return
	}
	cost.Grad(g, a, y)
	backStep(act, d, g, z, a)
}

// backStep sets δ = g ⊙ f′(z) (softmax: J g) for one example, as
// derive.Activation.BackStep does; where f′ is a function of a = f(z)
// (σ′ = a(1−a), tanh′ = 1−a²) it is computed from a, the very numbers
// Prime computes from z, without a second exp. The sigmoid, nearly every
// unit of the book's nets, has its a(1−a) written out, without a call per
// unit.
func backStep(act derive.Activation, d, g, z, a []float64) {
	if act == derive.Sigmoid {
		for k := range d {
			d[k] = g[k] * (a[k] * (1 - a[k]))
		}
		return
	}
	if fp := act.PrimeOfOutput(); fp != nil {
		for k := range d {
			d[k] = g[k] * fp(a[k])
		}
		return
	}
	act.BackStep(d, g, z, a)
}

// boundLimit is how large the bound on |W| may grow before update checks
// the weights one by one: far from overflow (1.8e308), so that one more
// step cannot reach it.
const boundLimit = 1e300

// update takes the step of every layer after backward:
//
//	W^ℓ ← (1 − η decay) W^ℓ,  then  W^ℓ[j,:] += a_j (−η δ^ℓ) for each example and a_j ≠ 0
//	b^ℓ ← b^ℓ − η Σ_x δ^ℓ
//
// and reports whether every parameter is still finite. Only the biases are
// checked one by one. A weight becomes NaN or ±Inf only if what is added
// to it is, or if the sum overflows: so update checks what it adds — a few
// hundred δs and inputs, summed, NaN or ±Inf if any of them is — and keeps
// wmax, a bound on |W^ℓ|: each step adds at most η·max|a|·Σ|δ| to an
// entry. While the bound stays below boundLimit no weight can have
// overflowed; above it (or NaN) every weight is checked and the bound
// reset to the largest |W|.
func (f *fastNet) update(m int, eta, decay float64) (finite bool) {
	finite = true
	for ℓ := 1; ℓ < len(f.sizes); ℓ++ {
		n, wd := f.sizes[ℓ], f.width[ℓ]
		W := f.w[ℓ]
		if decay != 0 {
			s := 1 - eta*decay
			for k := range W {
				W[k] *= s
			}
			f.wmax[ℓ] *= math.Abs(s)
		}
		db, v := f.db[ℓ][:n], f.v[:wd]
		clear(db)
		clear(v[n:])
		var dsum float64 // Σ|δ|
		for r := range m {
			d := f.d[ℓ][r*wd:][:wd]
			for k, dk := range d[:n] {
				db[k] += dk
				dsum += math.Abs(dk)
				v[k] = -eta * dk
			}
			rows, vals := f.inputs(ℓ, r)
			kernel.Scatter(W, wd, rows, vals, v)
		}
		amax := f.amax[ℓ]
		if ℓ == 1 {
			amax = f.input.maxAbs
		}
		f.wmax[ℓ] += eta * amax * dsum
		if !(f.wmax[ℓ] < boundLimit) {
			var ok bool
			f.wmax[ℓ], ok = scan(W)
			finite = finite && ok
		}
		for k, g := range db {
			f.b[ℓ][k] -= eta * g
			if f.b[ℓ][k]-f.b[ℓ][k] != 0 {
				finite = false
			}
		}
	}
	return finite
}

// scan returns the largest |w| and whether every w is finite.
func scan(w []float64) (top float64, finite bool) {
	for _, x := range w {
		top = maxAbsNaN(top, x)
	}
	return top, !math.IsNaN(top) && !math.IsInf(top, 0)
}

package numgrad

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/kernel"
	"github.com/backproof/backproof/internal/printf"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// NetGradient estimates the gradient of a network's cost C(θ) with respect
// to every weight and bias, in the order of derive.Net.Params, by the
// method and step of s: the numbers Gradient gives for
// θ ↦ n.Loss(X, Y), up to rounding, in a small fraction of the time.
//
// Gradient recomputes the whole network for each of the 2·len(θ) points of
// a central difference. NetGradient uses the network's structure instead.
// Writing unit k of layer ℓ, input j, and example x (the column sense of
// W^ℓ[k, j]; the row convention's W^ℓ[j, k] is the same weight),
//
//	z^ℓ_kx = Σ_j W^ℓ[k,j] a^{ℓ−1}_jx + b^ℓ_k,
//
// so moving W^ℓ[k,j] by Δ moves only unit k's pre-activations, by
// Δ·a^{ℓ−1}_jx for each example (one column of Z^ℓ in the row layout, one
// row in the column layout), and moving b^ℓ_k moves them by Δ. One forward
// pass caches Z^ℓ and A^ℓ; then each point θ + t·h·e_i of the stencil costs
//
//	z^ℓ_kx  += Δ·a^{ℓ−1}_jx                          (one unit)
//	Z^{ℓ+1} += W^{ℓ+1}[:,k] (f(z^ℓ_k) − a^ℓ_k)ᵀ       (a rank-one update)
//	layers ℓ+2 … L and the cost, from there.
//
// C = R Σ_x C_x is a sum over examples and each C_x depends on example x
// alone, so examples whose a^{ℓ−1}_jx is 0 (or whose f(z^ℓ_kx) does not
// move) keep their cached C_x: a zero pixel of an MNIST image, or a relu
// that stays off, costs nothing. The sum is still taken over every example,
// in order, as Loss takes it.
//
// Every real method is a stencil Σ_p c_p C(θ + t_p·h·e_i) / h, as in fd:
// the point θ_i + t_p·h is formed as fd forms it and the exact move Δ is its
// difference from θ_i. ComplexStep evaluates C(θ + i·h·e_i) in complex
// arithmetic (derive.Activation.ComplexF, derive.Cost.ComplexValue) from
// the same cache, and returns Im C / h.
//
// An L2 term (λ/(2N)) Σ‖W‖² depends on each weight alone: a weight's
// points add (λ/(2N))(w + Δ)² to their costs, and C(θ) adds (λ/(2N)) w²
// (the other weights' terms are the same at every point and are left out
// of the difference). A dropout layer's units are multiplied by their
// fixed D/p wherever f(z) is formed, so a dropped unit never moves.
//
// When the output layer is a sigmoid and the cost a sum of squares, the
// last hidden layer's entries (most of a network's) are taken a hidden
// unit at a time, with every point of the unit's entries at once and the
// innermost loops vectorized (unitEntries, movedSquares): the same
// stencils and points, the same sums, in a fraction of the time.
//
// With s.Concurrent the entries are shared among runtime.GOMAXPROCS(0)
// goroutines, each with its own scratch buffers; nothing is allocated per
// entry. dst is allocated when nil and returned; n, X and Y are not
// changed. NetGradient panics if dst has the wrong length, on a batch that
// does not fit n, and as Gradient does for a bad step or method.
func NetGradient(dst []float64, n *derive.Net, X, Y *mat.Dense, s *Settings) []float64 {
	return NetGradientKinks(dst, nil, n, X, Y, s)
}

// NetGradientKinks is NetGradient that also sets kinks[i], when kinks is
// not nil, for the entries whose stencil straddles a kink of relu or
// leaky-relu: some pre-activation of a kinked layer has z > 0 at one point
// of the stencil (the centre included for Forward and Backward) and not at
// another, so the difference averages two one-sided slopes. For
// ComplexStep, which evaluates at one point only, kinks[i] is set when the
// perturbation reaches a pre-activation of a kinked layer whose real part
// is exactly 0: the complex step then gives the left derivative, as
// derive.Activation.Prime does, but the derivative does not exist there.
// kinks must have the length of dst.
func NetGradientKinks(dst []float64, kinks []bool, n *derive.Net, X, Y *mat.Dense, s *Settings) []float64 {
	p := newNetPass(n, X, Y)
	if dst == nil {
		dst = make([]float64, p.numParams)
	}
	if len(dst) != p.numParams || (kinks != nil && len(kinks) != p.numParams) {
		panic("numgrad: slice length mismatch")
	}
	m, h, st, workers := s.planNet()
	// The work is a list of tasks taken in turn by the workers: first, when
	// unitKernel holds, one per unit of the last hidden layer (all its
	// entries, by unitEntries), then the other entries in chunks of 16.
	// Each entry is computed by the same code whichever worker takes it,
	// so the result does not depend on the number of cores.
	const chunk = 16
	units, ℓu := 0, p.L-1
	if !m.Complex() && p.unitKernel(ℓu, kinks != nil && p.kinkFrom[ℓu]) {
		units = p.sizes[ℓu]
	}
	// rest: the entries outside the units' layer, or all of them.
	rest := [][2]int{{0, p.numParams}}
	if units > 0 {
		rest = [][2]int{{0, p.offset[ℓu]}, {p.offset[ℓu+1], p.numParams}}
	}
	// chunkAt is the range of entries of chunk c of rest.
	chunkAt := func(c int) (lo, hi int) {
		for _, r := range rest {
			if n := (r[1] - r[0] + chunk - 1) / chunk; c >= n {
				c -= n
				continue
			}
			lo = r[0] + c*chunk
			return lo, min(lo+chunk, r[1])
		}
		panic("numgrad: chunk out of range")
	}
	tasks := int64(units)
	for _, r := range rest {
		tasks += int64((r[1] - r[0] + chunk - 1) / chunk)
	}
	var next, done atomic.Int64
	var wg sync.WaitGroup
	// A panic in a worker (a bug) is carried to the caller's goroutine,
	// where a recover can catch it: the command line reports it as an
	// internal error instead of a goroutine's stack trace.
	var failure atomic.Value
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					failure.CompareAndSwap(nil, printf.Sprint(r))
					next.Store(tasks) // the others stop at their next task
				}
			}()
			sc := p.newScratch(len(st.points))
			for {
				t := next.Add(1) - 1
				if t >= tasks {
					return
				}
				var count int
				if t < int64(units) {
					p.unitEntries(dst, ℓu, int(t), &st, sc)
					count = p.sizes[ℓu-1] + 1
				} else {
					lo, hi := chunkAt(int(t) - units)
					count = hi - lo
					for i := lo; i < hi; i++ {
						var kink *bool
						if kinks != nil {
							kinks[i] = false
							kink = &kinks[i]
						}
						if m.Complex() {
							dst[i] = p.complexEntry(i, h, sc, kink)
						} else {
							dst[i] = p.realEntry(i, &st, sc, kink)
						}
					}
				}
				if s != nil && s.Progress != nil {
					s.Progress(int(done.Add(int64(count))), p.numParams)
				}
			}
		}()
	}
	wg.Wait()
	if f := failure.Load(); f != nil {
		panic(printf.Sprintf("numgrad: NetGradient: %v", f.(string)))
	}
	return dst
}

// resolveNet is resolve for NetGradient, which can also take the complex
// step: it evaluates the network in complex arithmetic itself.
func (s *Settings) resolveNet() (m Method, h float64, concurrent bool) {
	if s != nil && s.Method.Complex() {
		h = s.Step
		if h == 0 {
			h = s.Method.DefaultStep()
		}
		if !(h > 0) {
			panic("numgrad: step must be positive")
		}
		return s.Method, h, s.Concurrent
	}
	return s.resolve()
}

// planNet is what a network's estimates run on: the method and step of s
// (resolveNet), the real method's stencil (none for the complex step),
// and how many goroutines share the entries.
func (s *Settings) planNet() (m Method, h float64, st stencil, workers int) {
	m, h, concurrent := s.resolveNet()
	if !m.Complex() {
		st = newStencil(m, h)
	}
	workers = 1
	if concurrent {
		workers = runtime.GOMAXPROCS(0)
	}
	return m, h, st, workers
}

// stencil is a real method as points θ_i + loc·step of one or two fd
// formulas (two for Richardson, which combines central differences of
// steps h and h/2).
type stencil struct {
	parts  []stencilPart
	points []stencilPoint // the points with loc ≠ 0, each evaluated once
	origin bool           // some part uses C(θ) itself
}

type stencilPart struct {
	formula []fd.Point
	step    float64
	index   []int // index[p]: the point of formula[p], or −1 for loc 0
}

type stencilPoint struct{ loc, step float64 }

func newStencil(m Method, h float64) stencil {
	var st stencil
	add := func(f fd.Formula, step float64) {
		part := stencilPart{formula: f.Stencil, step: step}
		for _, pt := range f.Stencil {
			if pt.Loc == 0 {
				st.origin = true
				part.index = append(part.index, -1)
				continue
			}
			part.index = append(part.index, len(st.points))
			st.points = append(st.points, stencilPoint{pt.Loc, step})
		}
		st.parts = append(st.parts, part)
	}
	f := m.Formula()
	add(f, h)
	if m.Extrapolated() {
		add(f, h/2)
	}
	return st
}

// combine turns the costs at the points (and at θ) into the derivative, in
// the order of the arithmetic of Gradient: fd's Σ c_p C_p / step, and for
// Richardson (4 D(h/2) − D(h)) / 3.
func (st *stencil) combine(costs []float64, origin float64) float64 {
	var d [2]float64
	for k, part := range st.parts {
		var deriv float64
		for p, pt := range part.formula {
			if q := part.index[p]; q >= 0 {
				deriv += pt.Coeff * costs[q]
			} else {
				deriv += pt.Coeff * origin
			}
		}
		d[k] = deriv / part.step
	}
	if len(st.parts) == 2 {
		return (4*d[1] - d[0]) / 3
	}
	return d[0]
}

// netPass is one forward pass of a network, cached for the fast path. It
// holds everything in the row layout, one example after another, whatever
// the convention: row k of W[ℓ] (n_{ℓ−1}×n_ℓ) is input unit k's outgoing
// weights, the n_{ℓ+1} numbers a rank-one update needs, and example x's
// pre-activations Z[ℓ][x·n_ℓ : (x+1)·n_ℓ] are contiguous.
type netPass struct {
	L, m      int
	sizes     []int
	acts      []derive.Activation // acts[ℓ] for ℓ = 1..L
	cost      derive.Cost
	R         float64
	col       bool        // the net's W are n_ℓ×n_{ℓ−1}
	W, B      [][]float64 // W[ℓ], b[ℓ]
	Y         []float64   // m×n_L
	Z, A      [][]float64 // Z^ℓ, A^ℓ: m×n_ℓ; A[0] = X
	sigmoid   []bool      // sigmoid[ℓ]: layer ℓ is a sigmoid (movedSigmoid)
	cx        []float64   // C_x at θ
	drop      [][]float64 // drop[ℓ]: D^ℓ/p, m×n_ℓ, for a dropout layer; nil otherwise
	decay     float64     // λ/N of an L2 term; 0 without one
	origin    float64     // C(θ) = R Σ_x C_x
	offset    []int       // offset[ℓ]: index in θ of layer ℓ's first weight
	kinked    []bool      // kinked[ℓ]: layer ℓ is relu or leaky-relu
	kinkFrom  []bool      // kinkFrom[ℓ]: some layer ℓ … L is kinked
	pattern   []int       // pattern[ℓ]: length of a sign pattern from layer ℓ on
	numParams int
}

func newNetPass(n *derive.Net, X, Y *mat.Dense) *netPass {
	sizes := n.Sizes()
	L := len(n.Layers)
	col := n.Convention.ColumnLayout()
	xr, xc := X.Dims()
	yr, yc := Y.Dims()
	m, in, my, out := xr, xc, yr, yc
	if col {
		m, in, my, out = xc, xr, yc, yr
	}
	if in != sizes[0] || out != sizes[L] || m != my {
		panic(printf.Sprintf("numgrad: batch X %d×%d, Y %d×%d does not fit a %v network in the %v convention", xr, xc, yr, yc, sizes, n.Convention))
	}
	p := &netPass{L: L, m: m, sizes: sizes, cost: n.Cost, R: n.Reduction.Factor(m), col: col,
		acts: make([]derive.Activation, L+1), W: make([][]float64, L+1), B: make([][]float64, L+1),
		Z: make([][]float64, L+1), A: make([][]float64, L+1), sigmoid: make([]bool, L+2), cx: make([]float64, m),
		drop: make([][]float64, L+1), decay: n.L2.Coeff(n.Reduction, m),
		offset: make([]int, L+2), kinked: make([]bool, L+2), kinkFrom: make([]bool, L+2), pattern: make([]int, L+2)}
	for ℓ := 1; ℓ <= L; ℓ++ {
		l := n.Layers[ℓ-1]
		if !l.Act.Elementwise() && ℓ != L {
			panic(printf.Sprintf("numgrad: %v on hidden layer %d", l.Act, ℓ))
		}
		p.acts[ℓ], p.kinked[ℓ], p.sigmoid[ℓ] = l.Act, l.Act.Kinked(), l.Act == derive.Sigmoid
		if l.Drop != nil {
			// The cached A^ℓ is D ⊙ σ(Z^ℓ)/p, not σ(Z^ℓ): movedSigmoid's
			// shortcut from it does not hold.
			p.sigmoid[ℓ] = false
			p.drop[ℓ] = make([]float64, m*sizes[ℓ])
			for x := 0; x < m; x++ {
				for k := 0; k < sizes[ℓ]; k++ {
					p.drop[ℓ][x*sizes[ℓ]+k] = l.Factor(n.Convention, k, x)
				}
			}
		}
		p.W[ℓ] = rowLayout(l.W, col)
		p.B[ℓ] = append([]float64(nil), l.B...)
		p.offset[ℓ+1] = p.offset[ℓ] + sizes[ℓ-1]*sizes[ℓ] + sizes[ℓ]
	}
	p.numParams = p.offset[L+1]
	for ℓ := L; ℓ >= 1; ℓ-- {
		p.kinkFrom[ℓ] = p.kinked[ℓ] || p.kinkFrom[ℓ+1]
		p.pattern[ℓ] = p.pattern[ℓ+1]
		if p.kinked[ℓ] {
			p.pattern[ℓ] += sizes[ℓ]
		}
	}
	p.A[0], p.Y = rowLayout(X, col), rowLayout(Y, col)
	for ℓ := 1; ℓ <= L; ℓ++ {
		p.Z[ℓ], p.A[ℓ] = make([]float64, m*sizes[ℓ]), make([]float64, m*sizes[ℓ])
	}
	for x := 0; x < m; x++ {
		for ℓ := 1; ℓ <= L; ℓ++ {
			z, a := p.Z[ℓ][x*sizes[ℓ]:(x+1)*sizes[ℓ]], p.A[ℓ][x*sizes[ℓ]:(x+1)*sizes[ℓ]]
			p.affine(z, ℓ, p.A[ℓ-1][x*sizes[ℓ-1]:(x+1)*sizes[ℓ-1]])
			p.acts[ℓ].Activate(a, z)
			p.dropout(a, x, ℓ)
		}
		p.cx[x] = p.exampleCost(x, p.A[L][x*sizes[L]:(x+1)*sizes[L]])
	}
	var sum float64
	for _, c := range p.cx {
		sum += c
	}
	p.origin = p.R * sum
	return p
}

// dropout multiplies example x's outputs a of layer ℓ by D^ℓ/p, for a
// dropout layer: a = (D ⊙ f(z)) / p.
func (p *netPass) dropout(a []float64, x, ℓ int) {
	if d := p.drop[ℓ]; d != nil {
		for u, f := range d[x*len(a) : (x+1)*len(a)] {
			a[u] *= f
		}
	}
}

// complexDropout is dropout in complex arithmetic.
func (p *netPass) complexDropout(a []complex128, x, ℓ int) {
	if d := p.drop[ℓ]; d != nil {
		for u, f := range d[x*len(a) : (x+1)*len(a)] {
			a[u] *= complex(f, 0)
		}
	}
}

// movedSigmoid is σ(z + d) from a = σ(z): by the series of
// kernel.MovedSigmoid for |d| ≤ kernel.SmallMove (no exp, no division),
// else by derive's formula. Nothing here uses σ′: the finite differences
// stay independent of backpropagation.
func movedSigmoid(a, z, d float64) float64 {
	if d <= kernel.SmallMove && d >= -kernel.SmallMove {
		return kernel.MovedSigmoid(a, d)
	}
	return 1 / (1 + math.Exp(-(z + d)))
}

// rowLayout returns M in the row layout: M's own numbers when they are
// stored that way already (the row convention; the fast path only reads
// them, and sharing them saves a copy as large as the network), else a
// copy, transposed if col.
func rowLayout(M *mat.Dense, col bool) []float64 {
	r, c := M.Dims()
	raw := M.RawMatrix()
	if !col && raw.Stride == c {
		return raw.Data[: r*c : r*c]
	}
	if !col {
		out := make([]float64, 0, r*c)
		for i := 0; i < r; i++ {
			out = append(out, M.RawRowView(i)...)
		}
		return out
	}
	out := make([]float64, r*c)
	for i := 0; i < r; i++ {
		for j, v := range M.RawRowView(i) {
			out[j*r+i] = v
		}
	}
	return out
}

// affine sets z = b^ℓ + Σ_j a_j W^ℓ[j, :], one example's z = W a + b
// written as a sum of rows of the row-layout W, skipping zero inputs.
func (p *netPass) affine(z []float64, ℓ int, a []float64) {
	copy(z, p.B[ℓ])
	out := len(z)
	W := p.W[ℓ]
	for j, aj := range a {
		if aj == 0 {
			continue
		}
		w := W[j*out : (j+1)*out]
		for u := range z {
			z[u] += aj * w[u]
		}
	}
}

// exampleCost is C_x for example x's outputs a.
func (p *netPass) exampleCost(x int, a []float64) float64 {
	n := p.sizes[p.L]
	return p.cost.Value(a, p.Y[x*n:(x+1)*n])
}

// locate returns the layer ℓ, unit k and input j of entry i of θ; j is −1
// for the bias b^ℓ_k.
func (p *netPass) locate(i int) (ℓ, k, j int) {
	ℓ = 1
	for i >= p.offset[ℓ+1] {
		ℓ++
	}
	i -= p.offset[ℓ]
	in, out := p.sizes[ℓ-1], p.sizes[ℓ]
	if i >= in*out {
		return ℓ, i - in*out, -1
	}
	if p.col {
		return ℓ, i / in, i % in // W is n_ℓ×n_{ℓ−1}: row k, column j
	}
	return ℓ, i % out, i / out // W is n_{ℓ−1}×n_ℓ: row j, column k
}

// param is θ_i, for the layer ℓ, unit k and input j locate returns.
func (p *netPass) param(ℓ, k, j int) float64 {
	if j < 0 {
		return p.B[ℓ][k]
	}
	return p.W[ℓ][j*p.sizes[ℓ]+k]
}

// scratch is one goroutine's working memory.
type scratch struct {
	z, a      [][]float64    // z[ℓ], a[ℓ]: one example's layer ℓ
	zc, ac    [][]complex128 // the same in complex arithmetic
	costs     []float64      // Σ_x C_x at each stencil point
	delta     []float64      // unitEntries: each entry's move at each point
	acc       []float64      // unitEntries: each entry's Σ_x C_x at each point
	da        []float64      // unitEntries: unit k's move at each entry's points, one example
	c0, r0    []float64      // unitEntries: 1 − a and a − y of one example's outputs
	signs     [][]bool       // signs[q]: the sign pattern at point q
	baseSigns []bool         // the sign pattern at θ
}

func (p *netPass) newScratch(points int) *scratch {
	s := &scratch{z: make([][]float64, p.L+1), a: make([][]float64, p.L+1),
		zc: make([][]complex128, p.L+1), ac: make([][]complex128, p.L+1),
		costs: make([]float64, points), signs: make([][]bool, points), baseSigns: make([]bool, p.pattern[1])}
	for ℓ := 1; ℓ <= p.L; ℓ++ {
		n := p.sizes[ℓ]
		s.z[ℓ], s.a[ℓ] = make([]float64, n), make([]float64, n)
		s.zc[ℓ], s.ac[ℓ] = make([]complex128, n), make([]complex128, n)
	}
	for q := range s.signs {
		s.signs[q] = make([]bool, p.pattern[1])
	}
	if p.L >= 2 {
		s.delta = make([]float64, (p.sizes[p.L-2]+1)*points)
		s.acc = make([]float64, len(s.delta))
		s.da = make([]float64, len(s.delta))
		s.c0, s.r0 = make([]float64, p.sizes[p.L]), make([]float64, p.sizes[p.L])
	}
	return s
}

// realEntry is the derivative of C with respect to θ_i by the stencil st,
// with *kink set (when kink is not nil) if the stencil straddles a kink.
func (p *netPass) realEntry(i int, st *stencil, s *scratch, kink *bool) float64 {
	ℓ, k, j := p.locate(i)
	nIn, n := p.sizes[ℓ-1], p.sizes[ℓ]
	θi := p.param(ℓ, k, j)
	var delta [4]float64 // at most four points: five-point and Richardson
	for q, pt := range st.points {
		delta[q] = (θi + pt.loc*pt.step) - θi // the move fd makes, exactly
		s.costs[q] = 0
	}
	watch := kink != nil && p.kinkFrom[ℓ]
	for x := 0; x < p.m; x++ {
		factor := 1.0 // ∂z^ℓ_kx/∂θ_i: a^{ℓ−1}_jx for a weight, 1 for a bias
		if j >= 0 {
			factor = p.A[ℓ-1][x*nIn+j]
		}
		zk := p.Z[ℓ][x*n+k]
		for q := range st.points {
			dz := delta[q] * factor
			if dz == 0 {
				s.costs[q] += p.cx[x]
				if watch {
					p.basePattern(s.signs[q], x, ℓ, k)
				}
				continue
			}
			var sig []bool
			if watch {
				sig = s.signs[q]
			}
			s.costs[q] += p.pointCost(x, ℓ, k, zk, dz, s, sig)
		}
		if watch && !*kink {
			*kink = p.straddles(st, s, x, ℓ, k)
		}
	}
	origin := p.origin
	for q := range st.points {
		s.costs[q] *= p.R
	}
	if j >= 0 && p.decay != 0 { // the L2 term of this weight
		for q := range st.points {
			w := θi + delta[q]
			s.costs[q] += p.decay / 2 * (w * w)
		}
		origin += p.decay / 2 * (θi * θi)
	}
	return st.combine(s.costs[:len(st.points)], origin)
}

// straddles reports whether example x's sign patterns differ between the
// stencil's points (and θ, when the stencil uses it).
func (p *netPass) straddles(st *stencil, s *scratch, x, ℓ, k int) bool {
	n := p.pattern[ℓ]
	if p.kinked[ℓ] {
		n = 1 + p.pattern[ℓ+1] // only unit k of layer ℓ moves
	}
	first := s.signs[0][:n]
	if st.origin {
		first = s.baseSigns[:n]
		p.basePattern(first, x, ℓ, k)
	}
	for q := range st.points {
		for u, v := range s.signs[q][:n] {
			if v != first[u] {
				return true
			}
		}
	}
	return false
}

// basePattern writes example x's sign pattern at θ into sig: z > 0 for
// unit k of layer ℓ if ℓ is kinked, then for every unit of the kinked
// layers after ℓ.
func (p *netPass) basePattern(sig []bool, x, ℓ, k int) {
	if p.kinked[ℓ] {
		sig[0] = p.Z[ℓ][x*p.sizes[ℓ]+k] > 0
		sig = sig[1:]
	}
	p.laterPattern(sig, x, ℓ)
}

// laterPattern writes the part of basePattern after layer ℓ.
func (p *netPass) laterPattern(sig []bool, x, ℓ int) {
	pos := 0
	for l := ℓ + 1; l <= p.L; l++ {
		if p.kinked[l] {
			for _, z := range p.Z[l][x*p.sizes[l] : (x+1)*p.sizes[l]] {
				sig[pos] = z > 0
				pos++
			}
		}
	}
}

// pointCost is C_x with example x's z^ℓ_k moved from z0 by dz, everything
// else at θ. With sig not nil it records the sign pattern as basePattern
// does.
func (p *netPass) pointCost(x, ℓ, k int, z0, dz float64, s *scratch, sig []bool) float64 {
	zk := z0 + dz
	fk := 0.0 // f(z^ℓ_k) at the point
	if p.sigmoid[ℓ] {
		fk = movedSigmoid(p.A[ℓ][x*p.sizes[ℓ]+k], z0, dz)
	} else if p.acts[ℓ].Elementwise() {
		fk = p.acts[ℓ].F(zk)
	}
	if d := p.drop[ℓ]; d != nil {
		fk *= d[x*p.sizes[ℓ]+k] // (D ⊙ f(z))/p
	}
	pos := 0
	if sig != nil && p.kinked[ℓ] {
		sig[0] = zk > 0
		pos = 1
	}
	n := p.sizes[ℓ]
	row := x * n
	if ℓ == p.L {
		a := s.a[ℓ]
		if !p.acts[ℓ].Elementwise() {
			z := s.z[ℓ]
			copy(z, p.Z[ℓ][row:row+n])
			z[k] = zk
			p.acts[ℓ].Activate(a, z)
		} else {
			copy(a, p.A[ℓ][row:row+n])
			a[k] = fk
		}
		return p.exampleCost(x, a)
	}
	da := fk - p.A[ℓ][row+k]
	if da == 0 { // the unit did not move: C_x is as at θ
		if sig != nil {
			p.laterPattern(sig[pos:], x, ℓ)
		}
		return p.cx[x]
	}
	// Z^{ℓ+1} += W^{ℓ+1}[k, :] · da: the rank-one update, one example.
	l := ℓ + 1
	nl := p.sizes[l]
	w := p.W[l][k*nl : (k+1)*nl]
	if l == p.L && p.sigmoid[l] {
		// A sigmoid output layer: its outputs come from the moves da·w[u]
		// alone (movedSigmoid with its branch in the loop, so that the
		// series, inlined, costs no call: this loop is the book net's
		// innermost), and its moved z is not needed.
		a, a0, z0 := s.a[l], p.A[l][x*nl:(x+1)*nl], p.Z[l][x*nl:(x+1)*nl]
		a, w, z0 = a[:len(a0)], w[:len(a0)], z0[:len(a0)]
		for u, au := range a0 {
			d := da * w[u]
			if d <= kernel.SmallMove && d >= -kernel.SmallMove {
				a[u] = kernel.MovedSigmoid(au, d)
			} else {
				a[u] = 1 / (1 + math.Exp(-(z0[u] + d)))
			}
		}
		return p.exampleCost(x, a)
	}
	z := s.z[l]
	copy(z, p.Z[l][x*nl:(x+1)*nl])
	for u := range z {
		z[u] += da * w[u]
	}
	first := true // layer ℓ+1, where each unit moved by da·w[u]
	for ; ; l++ {
		if sig != nil && p.kinked[l] {
			for _, v := range z {
				sig[pos] = v > 0
				pos++
			}
		}
		a := s.a[l]
		if first && p.sigmoid[l] {
			a0, z0 := p.A[l][x*nl:(x+1)*nl], p.Z[l][x*nl:(x+1)*nl]
			for u := range a {
				a[u] = movedSigmoid(a0[u], z0[u], da*w[u])
			}
		} else {
			p.acts[l].Activate(a, z)
			p.dropout(a, x, l)
		}
		first = false
		if l == p.L {
			return p.exampleCost(x, a)
		}
		z = s.z[l+1]
		p.affine(z, l+1, a)
	}
}

// complexEntry is Im C(θ + i h e_i) / h, with *kink set (when kink is not
// nil) if the perturbation reaches a kinked pre-activation at exactly 0.
func (p *netPass) complexEntry(i int, h float64, s *scratch, kink *bool) float64 {
	ℓ, k, j := p.locate(i)
	nIn, n := p.sizes[ℓ-1], p.sizes[ℓ]
	var sum complex128
	for x := 0; x < p.m; x++ {
		factor := 1.0
		if j >= 0 {
			factor = p.A[ℓ-1][x*nIn+j]
		}
		if factor == 0 {
			sum += complex(p.cx[x], 0)
			continue
		}
		zk := complex(p.Z[ℓ][x*n+k], h*factor) // z^ℓ_kx + i h ∂z^ℓ_kx/∂θ_i
		sum += p.complexPointCost(x, ℓ, k, zk, s, kink)
	}
	c := complex(p.R, 0) * sum
	if j >= 0 && p.decay != 0 { // the L2 term of this weight, (λ/(2N))(w + ih)²
		w := complex(p.param(ℓ, k, j), h)
		c += complex(p.decay/2, 0) * (w * w)
	}
	return imag(c) / h
}

// atKink reports a pre-activation whose real part is exactly at the kink
// while the step moves it.
func atKink(z complex128) bool { return real(z) == 0 && imag(z) != 0 }

// complexPointCost is C_x in complex arithmetic with example x's z^ℓ_k at
// zk, everything else at θ.
func (p *netPass) complexPointCost(x, ℓ, k int, zk complex128, s *scratch, kink *bool) complex128 {
	if kink != nil && p.kinked[ℓ] && atKink(zk) {
		*kink = true
	}
	n := p.sizes[ℓ]
	row := x * n
	nOut := p.sizes[p.L]
	y := p.Y[x*nOut : (x+1)*nOut]
	if ℓ == p.L {
		a := s.ac[ℓ]
		if !p.acts[ℓ].Elementwise() {
			z := s.zc[ℓ]
			for u, v := range p.Z[ℓ][row : row+n] {
				z[u] = complex(v, 0)
			}
			z[k] = zk
			p.acts[ℓ].ComplexActivate(a, z)
		} else {
			for u, v := range p.A[ℓ][row : row+n] {
				a[u] = complex(v, 0)
			}
			a[k] = p.acts[ℓ].ComplexF(zk)
		}
		return p.cost.ComplexValue(a, y)
	}
	fk := p.acts[ℓ].ComplexF(zk)
	if d := p.drop[ℓ]; d != nil {
		fk *= complex(d[row+k], 0) // (D ⊙ f(z))/p
	}
	da := fk - complex(p.A[ℓ][row+k], 0)
	if da == 0 {
		return complex(p.cx[x], 0)
	}
	l := ℓ + 1
	nl := p.sizes[l]
	z := s.zc[l]
	w := p.W[l][k*nl : (k+1)*nl]
	re, im := real(da), imag(da)
	for u, v := range p.Z[l][x*nl : (x+1)*nl] {
		z[u] = complex(v+re*w[u], im*w[u]) // Z^{ℓ+1} + W^{ℓ+1}[k, :] · da
	}
	for ; ; l++ {
		if kink != nil && p.kinked[l] && !*kink {
			for _, v := range z {
				if atKink(v) {
					*kink = true
				}
			}
		}
		a := s.ac[l]
		p.acts[l].ComplexActivate(a, z)
		p.complexDropout(a, x, l)
		if l == p.L {
			return p.cost.ComplexValue(a, y)
		}
		z = s.zc[l+1]
		p.complexAffine(z, l+1, a)
	}
}

// complexAffine is affine in complex arithmetic; W and b are real, so the
// real and imaginary parts are two real sums.
func (p *netPass) complexAffine(z []complex128, ℓ int, a []complex128) {
	for u, v := range p.B[ℓ] {
		z[u] = complex(v, 0)
	}
	out := len(z)
	W := p.W[ℓ]
	for j, aj := range a {
		if aj == 0 {
			continue
		}
		re, im := real(aj), imag(aj)
		w := W[j*out : (j+1)*out]
		for u := range z {
			z[u] += complex(re*w[u], im*w[u])
		}
	}
}

package train

// Measuring a set: what Run records after every epoch (cost, accuracy,
// gradient norms, saturation) with the training step's forward pass. It is
// forward passes (and, on the training set, the backward pass and the
// gradient summed over the set), example by example in the row layout:
//
//	z^ℓ = b^ℓ + Σ_{j: a_j ≠ 0} a_j W^ℓ[j,:],  a^ℓ = f(z^ℓ)        (gather)
//	δ^L = ∇_a C_x ⊙ f′(z^L),  δ^{ℓ−1}_j = (Σ_k W^ℓ[j,k] δ^ℓ_k) f′(z^{ℓ−1}_j)
//	G^ℓ[j,:] += a^{ℓ−1}_j δ^ℓ  for a_j ≠ 0,  g^ℓ += δ^ℓ              (scatter)
//
// so an MNIST image costs its ~150 lit pixels' rows of W¹, not 784, as in
// a step. The set is cut into measureParts parts measured side by side on
// the machine's cores, each with its own sums; the parts' sums are then
// added in order, so the numbers do not depend on the number of cores or
// on which part finishes first. Everything is allocated once per set
// size: a pass allocates nothing (TestMeasureAllocatesNothing).

import (
	"math"
	"sync"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/kernel"
)

// measureParts is the number of parts a set is cut into: a multiple of the
// two cores of a small machine, and enough for a busy core not to hold the
// other one up for long.
const measureParts = 4

// measure is what a pass over a whole set finds. Its slices belong to the
// evaluator and are overwritten by its next pass.
type measure struct {
	cost, accuracy float64
	// with the gradient (the training set only):
	grad      []float64 // per layer ‖∂C/∂(W^ℓ, b^ℓ)‖
	gradTotal float64
	// units:
	saturated        float64
	saturatedByLayer []float64
	maxAbsZ          []float64
	expOverflow      int     // sigmoid units with z < −709.78 (numpy's exp(−z) overflows)
	distinct         int     // classes predicted at least once
	outputSpread     float64 // max over output units of the std of a_k across the set
}

// evaluator measures sets with a network's parameters in the step's layout.
type evaluator struct {
	lay        *layers // the parameters: the step's own, or own (loaded before each pass)
	own        bool
	saturation float64 // Config.Saturation
	decay      float64 // λ/n
	sparse     map[*data.Set]*sparseRows
	inputs     *Inputs // where a set's sparse rows come from (nil: built here)
	parts      [measureParts]*evalPart
	jobs       chan *evalPart
	done       sync.WaitGroup
	workers    int
	// shared: the parts are queued for whichever goroutine is free,
	// measureSet's own and, through help, the training's when it waits
	// (measuring behind the training, run.go); there are no workers.
	shared bool
	m      measure // the result buffers
}

// evalPart is one part of a set and one worker's buffers. Slices are
// indexed by the layer number ℓ; index 0 is unused.
type evalPart struct {
	_        [64]byte // the sums below alone on their cache lines (alone)
	e        *evaluator
	set      *data.Set
	input    *sparseRows
	lo, hi   int // the examples [lo, hi)
	withGrad bool

	z, a, d [][]float64 // one example's z^ℓ, a^ℓ, δ^ℓ, width[ℓ] entries each
	list    [][]int32   // list[ℓ], val[ℓ]: the nonzero entries of a^{ℓ−1}, ℓ ≥ 2
	val     [][]float64
	count   []int
	y, g    []float64 // the one-hot target and ∇_a C_x
	thr     []float64 // saturation thresholds by layer

	// the part's sums
	gw, gb             [][]float64 // Σ_x ∂C_x/∂W^ℓ (row layout, padded) and ∂C_x/∂b^ℓ
	blk                *gradBlock
	cost               float64
	correct, overflow  int
	satCount, satUnits []int
	maxZ               []float64
	outSum, outSq      []float64
	predicted          []bool
	_                  [64]byte
}

// newEvaluator measures with lay's parameters on at most cores cores.
func newEvaluator(lay *layers, own bool, saturation, decay float64, cores int) *evaluator {
	e := &evaluator{lay: lay, own: own, saturation: saturation, decay: decay, sparse: map[*data.Set]*sparseRows{}}
	L := len(lay.sizes) - 1
	nL := lay.sizes[L]
	for k := range e.parts {
		p := &evalPart{e: e, z: make([][]float64, L+1), a: make([][]float64, L+1), d: make([][]float64, L+1),
			list: make([][]int32, L+1), val: make([][]float64, L+1), count: alone[int](L + 1),
			y: alone[float64](nL), g: alone[float64](nL), thr: make([]float64, L+1),
			gw: make([][]float64, L+1), gb: make([][]float64, L+1),
			satCount: alone[int](L + 1), satUnits: alone[int](L + 1), maxZ: alone[float64](L + 1),
			outSum: alone[float64](nL), outSq: alone[float64](nL), predicted: alone[bool](nL)}
		for ℓ := 1; ℓ <= L; ℓ++ {
			wd := lay.width[ℓ]
			p.z[ℓ], p.a[ℓ], p.d[ℓ] = alone[float64](wd), alone[float64](wd), alone[float64](wd)
			if ℓ >= 2 {
				p.list[ℓ], p.val[ℓ] = alone[int32](lay.sizes[ℓ-1]), alone[float64](lay.sizes[ℓ-1])
			}
			p.thr[ℓ] = lay.acts[ℓ].Saturation(saturation)
		}
		e.parts[k] = p
	}
	e.m = measure{grad: make([]float64, L), saturatedByLayer: make([]float64, L), maxAbsZ: make([]float64, L)}
	e.workers = min(cores, measureParts)
	return e
}

// setInput makes input the sparse rows of set (the training step's own, so
// that they are not built twice).
func (e *evaluator) setInput(set *data.Set, input *sparseRows) { e.sparse[set] = input }

// start runs the workers; close stops them.
func (e *evaluator) start() {
	if e.jobs != nil || e.workers < 2 {
		return
	}
	jobs := make(chan *evalPart, measureParts)
	e.jobs = jobs
	for range e.workers {
		go func() {
			for p := range jobs {
				p.run()
				e.done.Done()
			}
		}()
	}
}

func (e *evaluator) close() {
	if e.jobs != nil {
		close(e.jobs)
		e.jobs = nil
	}
}

// input returns set's sparse rows, built (or taken from the run's Inputs)
// the first time.
func (e *evaluator) input(set *data.Set) *sparseRows {
	in := e.sparse[set]
	if in == nil {
		in = e.inputs.rows(set)
		e.sparse[set] = in
	}
	return in
}

// measureSet passes over the first n examples of set (every one if n ≤ 0)
// with net's parameters (loaded first when the evaluator keeps its own)
// and measures the training cost per example (with the L2 term), the
// accuracy, the saturation of the units and, if withGrad, the gradient of
// the training cost with respect to every parameter.
func (e *evaluator) measureSet(net *derive.Net, set *data.Set, withGrad bool, n int) *measure {
	if e.own {
		e.lay.load(net)
	}
	if withGrad {
		e.lay.transpose()
	}
	if n <= 0 || n > set.Len() {
		n = set.Len()
	}
	input := e.input(set)
	for k, p := range e.parts {
		p.set, p.input, p.withGrad = set, input, withGrad
		p.lo, p.hi = k*n/measureParts, (k+1)*n/measureParts
		if withGrad && p.gw[1] == nil {
			for ℓ := 1; ℓ < len(e.lay.sizes); ℓ++ {
				p.gw[ℓ], p.gb[ℓ] = alone[float64](len(e.lay.w[ℓ])), alone[float64](e.lay.width[ℓ])
			}
			p.blk = newGradBlock(e.lay)
		}
	}
	if e.shared {
		e.done.Add(measureParts)
		for _, p := range e.parts {
			e.jobs <- p
		}
		for e.help() {
		}
		e.done.Wait()
		return e.combine(n, withGrad)
	}
	e.start()
	if e.jobs == nil || n < 2*measureParts {
		for _, p := range e.parts {
			p.run()
		}
	} else {
		e.done.Add(measureParts)
		for _, p := range e.parts {
			e.jobs <- p
		}
		e.done.Wait()
	}
	return e.combine(n, withGrad)
}

// help measures one queued part, if there is one, and says whether there
// was.
func (e *evaluator) help() bool {
	select {
	case p := <-e.jobs:
		e.runPart(p)
		return true
	default:
		return false
	}
}

// runPart measures a queued part. A panic in it still counts the part
// done, so that measureSet's wait ends; it goes on up the goroutine that
// ran it.
func (e *evaluator) runPart(p *evalPart) {
	defer e.done.Done()
	p.run()
}

// run measures the part's examples.
func (p *evalPart) run() {
	lay := p.e.lay
	L := len(lay.sizes) - 1
	p.cost, p.correct, p.overflow = 0, 0, 0
	clear(p.satCount)
	clear(p.satUnits)
	clear(p.maxZ)
	clear(p.outSum)
	clear(p.outSq)
	clear(p.predicted)
	if p.withGrad {
		for ℓ := 1; ℓ <= L; ℓ++ {
			clear(p.gw[ℓ])
			clear(p.gb[ℓ])
		}
	}
	nL := lay.sizes[L]
	for i := p.lo; i < p.hi; i++ {
		rows, vals := p.input.row(i)
		for ℓ := 1; ℓ <= L; ℓ++ {
			n, wd := lay.sizes[ℓ], lay.width[ℓ]
			z := p.z[ℓ]
			copy(z, lay.b[ℓ])
			kernel.Gather(z, lay.w[ℓ], wd, rows, vals)
			a := p.a[ℓ][:n]
			activate(lay.acts[ℓ], a, z[:n])
			p.tally(ℓ, z[:n])
			if ℓ < L {
				rows, vals = p.nonzeros(ℓ+1, a)
			}
		}
		label := p.set.Labels[i]
		clear(p.y)
		p.y[label] = 1
		a := p.a[L][:nL]
		p.cost += lay.cost.Value(a, p.y)
		best, arg := math.Inf(-1), 0 // numpy's argmax: the first largest
		for k, v := range a {
			p.outSum[k] += v
			p.outSq[k] += v * v
			if v > best {
				best, arg = v, k
			}
		}
		p.predicted[arg] = true
		if arg == label {
			p.correct++
		}
		if p.withGrad {
			p.gradient(i)
		}
	}
	if p.withGrad {
		p.flush()
	}
}

// tally counts layer ℓ's saturated units and exp overflows and keeps its
// largest |z|.
func (p *evalPart) tally(ℓ int, z []float64) {
	thr := p.thr[ℓ]
	sigmoid := p.e.lay.acts[ℓ] == derive.Sigmoid
	top, sat, over := p.maxZ[ℓ], 0, 0
	// Counted without a branch on the data, which sigmoid nets saturated
	// in part would mispredict (b2i); NaN is caught once, after the loop.
	nan := false
	for _, v := range z {
		az := math.Abs(v)
		top = max(top, az)
		nan = nan || az != az
		sat += b2i(az > thr)
		over += b2i(v < numpyExpOverflow)
	}
	if nan {
		top = math.NaN()
	}
	if thr == 0 {
		sat = 0
	}
	if !sigmoid {
		over = 0
	}
	p.maxZ[ℓ] = top
	p.satCount[ℓ] += sat
	p.overflow += over
	if thr > 0 {
		p.satUnits[ℓ] += len(z)
	}
}

// b2i is 1 for true, 0 for false.
func b2i(b bool) int {
	var i int
	if b {
		i = 1
	}
	return i
}

// nonzeros lists the nonzero entries of a, the example's a^{ℓ−1}, as layer
// ℓ's inputs.
func (p *evalPart) nonzeros(ℓ int, a []float64) ([]int32, []float64) {
	list, val := p.list[ℓ], p.val[ℓ]
	c := 0
	for j, v := range a {
		if v != 0 {
			list[c], val[c] = int32(j), v
			c++
		}
	}
	p.count[ℓ] = c
	return list[:c], val[:c]
}

// gradient adds example i's ∂C_x/∂W^ℓ and ∂C_x/∂b^ℓ to the part's sums,
// after its forward pass: δ^L as derive sets it (for a sigmoid with
// cross-entropy δ = a − y, without 0·∞), backward with the same weights,
// and each layer's a^{ℓ−1}_j δ^ℓ into row j of G^ℓ for a_j ≠ 0.
func (p *evalPart) gradient(i int) {
	lay := p.e.lay
	L := len(lay.sizes) - 1
	n := lay.sizes[L]
	z, a, d := p.z[L][:n], p.a[L][:n], p.d[L][:n]
	outputDelta(lay.cost, lay.acts[L], d, p.g, z, a, p.y)
	for ℓ := L; ℓ >= 2; ℓ-- {
		np := lay.sizes[ℓ-1]
		lay.backThrough(ℓ, p.d[ℓ-1], p.d[ℓ])
		prev := p.d[ℓ-1][:np]
		backStep(lay.acts[ℓ-1], prev, prev, p.z[ℓ-1][:np], p.a[ℓ-1][:np])
	}
	// Each layer's a^{ℓ−1}_j δ^ℓ goes into row j of G^ℓ for a_j ≠ 0: at
	// once (scatter) while G^ℓ is small enough to stay in the cache, else
	// through the block (flush).
	blk := p.blk
	b := blk.n
	blk.example[b] = i
	for ℓ := 1; ℓ <= L; ℓ++ {
		wd := lay.width[ℓ]
		d := p.d[ℓ] // zero beyond sizes[ℓ]: the padding of G^ℓ stays zero
		for k, v := range d[:lay.sizes[ℓ]] {
			p.gb[ℓ][k] += v
		}
		if !blk.blocked[ℓ] {
			var rows []int32
			var vals []float64
			if ℓ == 1 {
				rows, vals = p.input.row(i)
			} else {
				rows, vals = p.list[ℓ][:p.count[ℓ]], p.val[ℓ][:p.count[ℓ]]
			}
			kernel.Scatter(p.gw[ℓ], wd, rows, vals, d)
			continue
		}
		copy(blk.d[ℓ][b*wd:][:wd], d)
		if ℓ >= 2 {
			n0, c := lay.sizes[ℓ-1], p.count[ℓ]
			copy(blk.list[ℓ][b*n0:], p.list[ℓ][:c])
			copy(blk.val[ℓ][b*n0:], p.val[ℓ][:c])
			blk.count[ℓ][b] = c
		}
	}
	blk.n++
	if blk.n == measureBlock {
		p.flush()
	}
}

// blockedFrom is the size of G^ℓ (entries) from which its rows are added
// a block at a time: 512 KiB, a quarter of a core's L2 cache here. The
// book's G¹ (784×32, 200 KB) stays in the cache and takes the scatter;
// [784, 100, 10]'s (784×128, 800 KB) and wider take the block, measured
// 20–27% faster at 300 and 1000 hidden units (and 10–15% slower at 30).
const blockedFrom = 1 << 16

// measureBlock is the number of examples whose weight gradients are added
// together (flush).
const measureBlock = 64

// gradBlock holds the last examples' δ^ℓ and inputs until flush adds
// their weight gradients. Slices are indexed by the layer number ℓ.
type gradBlock struct {
	n       int
	blocked []bool      // blocked[ℓ]: G^ℓ has at least blockedFrom entries
	example []int       // the examples' indices in the set
	d       [][]float64 // δ^ℓ of example b at b·width[ℓ]
	list    [][]int32   // ℓ ≥ 2: example b's nonzero inputs at b·n_{ℓ−1}, count[ℓ][b] of them
	val     [][]float64
	count   [][]int
	// the block's inputs by input unit (flush)
	start, at []int
	rows      []int32
	coef      []float64
}

func newGradBlock(lay *layers) *gradBlock {
	L := len(lay.sizes) - 1
	g := &gradBlock{blocked: make([]bool, L+1), example: make([]int, measureBlock), d: make([][]float64, L+1),
		list: make([][]int32, L+1), val: make([][]float64, L+1), count: make([][]int, L+1)}
	most := 0
	for ℓ := 1; ℓ <= L; ℓ++ {
		n0 := lay.sizes[ℓ-1]
		if g.blocked[ℓ] = len(lay.w[ℓ]) >= blockedFrom; !g.blocked[ℓ] {
			continue
		}
		g.d[ℓ] = make([]float64, measureBlock*lay.width[ℓ])
		if ℓ >= 2 {
			g.list[ℓ], g.val[ℓ], g.count[ℓ] = make([]int32, measureBlock*n0), make([]float64, measureBlock*n0), make([]int, measureBlock)
		}
		most = max(most, n0)
	}
	g.start, g.at = make([]int, most+1), make([]int, most)
	g.rows, g.coef = make([]int32, measureBlock*most), make([]float64, measureBlock*most)
	return g
}

// flush adds the block's weight gradients to the part's sums, a row at a
// time: row j of G^ℓ gets Σ_b a^{ℓ−1}_{jb} δ^ℓ_b over the block's examples
// whose input j is nonzero, in their order. That is a gather (internal/kernel)
// with the row of G^ℓ held in registers and the block's δs read from a
// buffer that stays in the nearest cache, instead of one scatter per
// example into all of G^ℓ: each row of G^ℓ is read and written once a
// block, not once an example. For [784, 1000, 10], G¹ is 6.4 MB and an
// example's 150 lit pixels touch 1.2 MB of it.
func (p *evalPart) flush() {
	blk, lay := p.blk, p.e.lay
	if blk.n == 0 {
		return
	}
	for ℓ := 1; ℓ < len(lay.sizes); ℓ++ {
		if !blk.blocked[ℓ] {
			continue
		}
		n0, wd := lay.sizes[ℓ-1], lay.width[ℓ]
		inputs := func(b int) ([]int32, []float64) {
			if ℓ == 1 {
				return p.input.row(blk.example[b])
			}
			c := blk.count[ℓ][b]
			return blk.list[ℓ][b*n0:][:c], blk.val[ℓ][b*n0:][:c]
		}
		// Sort the block's (input, example) pairs by input, keeping the
		// examples' order (a counting sort).
		start := blk.start[:n0+1]
		clear(start)
		for b := range blk.n {
			rows, _ := inputs(b)
			for _, j := range rows {
				start[j+1]++
			}
		}
		for j := range n0 {
			start[j+1] += start[j]
		}
		at := blk.at[:n0]
		copy(at, start)
		for b := range blk.n {
			rows, vals := inputs(b)
			for q, j := range rows {
				c := at[j]
				blk.rows[c], blk.coef[c] = int32(b), vals[q]
				at[j] = c + 1
			}
		}
		d, G := blk.d[ℓ][:blk.n*wd], p.gw[ℓ]
		for j := range n0 {
			if s, e := start[j], start[j+1]; e > s {
				kernel.Gather(G[j*wd:][:wd], d, wd, blk.rows[s:e], blk.coef[s:e])
			}
		}
	}
	blk.n = 0
}

// combine adds the parts' sums up, in order, into e.m.
func (e *evaluator) combine(n int, withGrad bool) *measure {
	lay := e.lay
	L := len(lay.sizes) - 1
	m := &e.m
	first := e.parts[0]
	var cost float64
	correct, overflow := 0, 0
	for _, p := range e.parts {
		cost += p.cost
		correct += p.correct
		overflow += p.overflow
		if p != first {
			for k := range first.outSum {
				first.outSum[k] += p.outSum[k]
				first.outSq[k] += p.outSq[k]
				first.predicted[k] = first.predicted[k] || p.predicted[k]
			}
			for ℓ := 1; ℓ <= L; ℓ++ {
				first.satCount[ℓ] += p.satCount[ℓ]
				first.satUnits[ℓ] += p.satUnits[ℓ]
				first.maxZ[ℓ] = maxAbsNaN(first.maxZ[ℓ], p.maxZ[ℓ])
				if withGrad {
					for k, v := range p.gw[ℓ] {
						first.gw[ℓ][k] += v
					}
					for k, v := range p.gb[ℓ] {
						first.gb[ℓ][k] += v
					}
				}
			}
		}
	}
	*m = measure{grad: m.grad, saturatedByLayer: m.saturatedByLayer, maxAbsZ: m.maxAbsZ, expOverflow: overflow}
	m.accuracy = float64(correct) / float64(n)
	// C = (1/n) Σ_x C_x + (λ/2n) Σ ‖W‖²; the padding of W is zero.
	m.cost = cost / float64(n)
	if e.decay != 0 {
		var sq float64
		for ℓ := 1; ℓ <= L; ℓ++ {
			for _, v := range lay.w[ℓ] {
				sq += v * v
			}
		}
		m.cost += e.decay / 2 * sq
	}
	var sat, units int
	for ℓ := 1; ℓ <= L; ℓ++ {
		m.maxAbsZ[ℓ-1] = first.maxZ[ℓ]
		m.saturatedByLayer[ℓ-1] = 0
		if first.satUnits[ℓ] > 0 {
			m.saturatedByLayer[ℓ-1] = float64(first.satCount[ℓ]) / float64(first.satUnits[ℓ])
		}
		sat += first.satCount[ℓ]
		units += first.satUnits[ℓ]
	}
	if units > 0 {
		m.saturated = float64(sat) / float64(units)
	}
	for k := range first.outSum {
		if first.predicted[k] {
			m.distinct++
		}
		mean := first.outSum[k] / float64(n)
		v := first.outSq[k]/float64(n) - mean*mean
		m.outputSpread = math.Max(m.outputSpread, math.Sqrt(math.Max(v, 0)))
	}
	if withGrad {
		var total float64
		for ℓ := 1; ℓ <= L; ℓ++ {
			// ∂C/∂W = (1/n) Σ_x ∂C_x/∂W + (λ/n) W,  ∂C/∂b = (1/n) Σ_x ∂C_x/∂b
			var s float64
			W := lay.w[ℓ]
			for k, g := range first.gw[ℓ] {
				g = g/float64(n) + e.decay*W[k]
				s += g * g
			}
			for _, g := range first.gb[ℓ] {
				g /= float64(n)
				s += g * g
			}
			m.grad[ℓ-1] = math.Sqrt(s)
			total += s
		}
		m.gradTotal = math.Sqrt(total)
	}
	return m
}

// numpyExpOverflow is the z below which exp(−z) exceeds the largest float64,
// −ln(math.MaxFloat64) = −709.78.
var numpyExpOverflow = -math.Log(math.MaxFloat64)

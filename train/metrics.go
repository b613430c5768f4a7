package train

import (
	"math"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"gonum.org/v1/gonum/mat"
)

// evalChunk is the number of examples measured in one matrix pass.
const evalChunk = 1000

// measure is what a pass over a whole set finds.
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

// workspaceFor returns the cached workspace for m examples.
func (t *trainer) workspaceFor(cache map[int]*workspace, m int) *workspace {
	w := cache[m]
	if w == nil {
		w = newWorkspace(t.net, m)
		cache[m] = w
	}
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

// measureSet passes over every example of set, chunk by chunk, and measures
// the training cost per example (with the L2 term), the accuracy, the
// saturation of the units and, if withGrad, the gradient of the training
// cost with respect to every parameter. limit > 0 measures only the first
// limit examples.
func (t *trainer) measureSet(set *data.Set, withGrad bool, limit int) measure {
	net := t.current()
	n := set.Len()
	if limit > 0 {
		n = min(n, limit)
	}
	L := len(net.Layers)
	var sumDW []*mat.Dense
	var sumDB [][]float64
	if withGrad {
		sumDW, sumDB = make([]*mat.Dense, L+1), make([][]float64, L+1)
		for ℓ := 1; ℓ <= L; ℓ++ {
			r, c := net.Layers[ℓ-1].W.Dims()
			sumDW[ℓ], sumDB[ℓ] = mat.NewDense(r, c, nil), make([]float64, len(net.Layers[ℓ-1].B))
		}
	}
	var m measure
	var costSum float64
	correct := 0
	satCount, satUnits := make([]int, L+1), make([]int, L+1)
	maxZ := make([]float64, L+1)
	nOut := len(net.Layers[L-1].B)
	outSum, outSq := make([]float64, nOut), make([]float64, nOut)
	predicted := make([]bool, nOut)
	idx := make([]int, 0, evalChunk)
	for start := 0; start < n; start += evalChunk {
		idx = idx[:0]
		for i := start; i < min(n, start+evalChunk); i++ {
			idx = append(idx, i)
		}
		w := t.workspaceFor(t.evals, len(idx))
		w.load(set, idx)
		w.forward(net)
		costSum += w.costSum(net)
		for ℓ := 1; ℓ <= L; ℓ++ {
			act := net.Layers[ℓ-1].Act
			thr := saturationThreshold(act, t.cfg.Saturation)
			for _, z := range raw(w.z[ℓ]) {
				if act == derive.Sigmoid && z < numpyExpOverflow {
					m.expOverflow++
				}
				az := math.Abs(z)
				if az > maxZ[ℓ] || math.IsNaN(az) {
					maxZ[ℓ] = az
				}
				if thr > 0 && az > thr {
					satCount[ℓ]++
				}
			}
			if thr > 0 {
				satUnits[ℓ] += len(raw(w.z[ℓ]))
			}
		}
		A := w.a[L]
		for k, i := range idx {
			c := argmaxExample(A, k, w.col, outSum, outSq)
			predicted[c] = true
			if c == set.Labels[i] {
				correct++
			}
		}
		if withGrad {
			w.backward(net, 1)
			for ℓ := 1; ℓ <= L; ℓ++ {
				sumDW[ℓ].Add(sumDW[ℓ], w.dw[ℓ])
				for k, v := range w.db[ℓ] {
					sumDB[ℓ][k] += v
				}
			}
		}
	}
	m.accuracy = float64(correct) / float64(n)
	m.saturatedByLayer, m.maxAbsZ = make([]float64, L), make([]float64, L)
	// C = (1/n) Σ_x C_x + (λ/2n) Σ ‖W‖²
	m.cost = costSum / float64(n)
	if t.cfg.Lambda != 0 {
		var sq float64
		for _, l := range net.Layers {
			for _, v := range raw(l.W) {
				sq += v * v
			}
		}
		m.cost += t.decay / 2 * sq
	}
	var sat, units int
	for ℓ := 1; ℓ <= L; ℓ++ {
		m.maxAbsZ[ℓ-1] = maxZ[ℓ]
		if satUnits[ℓ] > 0 {
			m.saturatedByLayer[ℓ-1] = float64(satCount[ℓ]) / float64(satUnits[ℓ])
		}
		sat += satCount[ℓ]
		units += satUnits[ℓ]
	}
	if units > 0 {
		m.saturated = float64(sat) / float64(units)
	}
	for k := range nOut {
		if predicted[k] {
			m.distinct++
		}
		mean := outSum[k] / float64(n)
		v := outSq[k]/float64(n) - mean*mean
		m.outputSpread = math.Max(m.outputSpread, math.Sqrt(math.Max(v, 0)))
	}
	if withGrad {
		m.grad = make([]float64, L)
		var total float64
		for ℓ := 1; ℓ <= L; ℓ++ {
			// ∂C/∂W = (1/n) Σ_x ∂C_x/∂W + (λ/n) W,  ∂C/∂b = (1/n) Σ_x ∂C_x/∂b
			var s float64
			W := raw(net.Layers[ℓ-1].W)
			for k, g := range raw(sumDW[ℓ]) {
				g = g/float64(n) + t.decay*W[k]
				s += g * g
			}
			for _, g := range sumDB[ℓ] {
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

// argmaxExample returns the class the net predicts for example k of the
// output matrix A (the first largest output, as numpy's argmax) and adds the
// outputs to the running sums of a and a².
func argmaxExample(A *mat.Dense, k int, col bool, sum, sq []float64) int {
	best, arg := math.Inf(-1), 0
	for j := range sum {
		var a float64
		if col {
			a = A.At(j, k)
		} else {
			a = A.At(k, j)
		}
		sum[j] += a
		sq[j] += a * a
		if a > best {
			best, arg = a, j
		}
	}
	return arg
}

// saturationThreshold is the |z| above which a unit of act counts as
// saturated (Config.Saturation), or 0 for activations that do not saturate.
func saturationThreshold(act derive.Activation, sigmoid float64) float64 {
	switch act {
	case derive.Sigmoid:
		return sigmoid
	case derive.Tanh:
		return sigmoid / 2
	}
	return 0
}

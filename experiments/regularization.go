package experiments

import (
	"github.com/backproof/backproof"
	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"gonum.org/v1/gonum/mat"
)

// RegcheckSpec is the problem of the regularization heat map: the first
// heat map's row convention, sigmoids and mean quadratic cost, three layers
// so that a mistake of layer 2 has a layer below it to reach, an L2 term
// with λ = 0.7 over the batch (N = m, the course's) and inverted dropout
// with p = 0.8 on both hidden layers, the masks drawn from the seed.
var RegcheckSpec = problem.Spec{Convention: derive.Row, Sizes: []int{6, 6, 6, 4}, Batch: 10,
	Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean,
	Init: derive.Normal, Seed: 1, L2: derive.L2{Lambda: 0.7}, Keep: 0.8}

// RegPlanted names a learner's gradient of a regularized problem, right or
// with one of the regularization mistakes planted.
type RegPlanted struct {
	Name string
	Code compare.Code // the mistake planted; "" for the right gradient
	// Build makes the learner's arrays from the net and its
	// backpropagation trace.
	Build func(n *derive.Net, t *derive.Trace) *backproof.Gradient
}

// RegPlantings are the rows of the regularization heat map: the right
// gradient, the L2 term's derivative left out, and layer 2's back step
// without its mask D² or without its 1/p, the mistakes the second course
// of Ng's specialization warns of (backward_propagation_with_dropout's
// dA2 = dA2 * D2, dA2 = dA2 / keep_prob).
var RegPlantings = []RegPlanted{
	{Name: "correct", Build: backward(0, true, true, true)},
	{Name: "L2 term missing", Code: compare.L2Missing, Build: backward(0, true, true, false)},
	{Name: "mask D² missing", Code: compare.DropoutMaskMissing, Build: backward(2, false, true, true)},
	{Name: "1/p missing on layer 2", Code: compare.DropoutKeepMissing, Build: backward(2, true, false, true)},
}

// backward is rowBackward with the mistake fixed, as a RegPlanted.Build.
func backward(at int, mask, keep, l2 bool) func(*derive.Net, *derive.Trace) *backproof.Gradient {
	return func(n *derive.Net, t *derive.Trace) *backproof.Gradient { return rowBackward(n, t, at, mask, keep, l2) }
}

// rowBackward is a learner's backpropagation in the row convention, written
// apart from derive's (derive/row.go) so that a mistake can be planted in
// one layer's back step. From the output layer's δ^L down:
//
//	δ^ℓ = ((D^ℓ ⊙ δ^{ℓ+1} (Ω^{ℓ+1})ᵀ) / p) ⊙ F′(Z^ℓ)
//	∂C/∂Ω^ℓ = (A^{ℓ−1})ᵀ δ^ℓ + (λ/N) Ω^ℓ,   ∂C/∂β^ℓ = Σ over rows of δ^ℓ
//
// with layer at's back step leaving out D^at unless mask and 1/p unless
// keep, and every layer's (λ/N) Ω^ℓ left out unless l2.
func rowBackward(n *derive.Net, t *derive.Trace, at int, mask, keep, l2 bool) *backproof.Gradient {
	if n.Convention != derive.Row {
		panic("experiments: rowBackward is written for the row convention")
	}
	L := len(n.Layers)
	m, _ := t.A[0].Dims()
	decay := 0.0
	if l2 {
		decay = n.L2.Coeff(n.Reduction, m)
	}
	g := &backproof.Gradient{DW: make([]*mat.Dense, L), DB: make([][]float64, L)}
	δ := mat.DenseCopyOf(t.Delta[L])
	for ℓ := L; ℓ >= 1; ℓ-- {
		if ℓ < L {
			var back mat.Dense
			back.Mul(δ, n.Layers[ℓ].W.T()) // δ^{ℓ+1} (Ω^{ℓ+1})ᵀ
			l := n.Layers[ℓ-1]
			back.Apply(func(i, j int, v float64) float64 {
				if d := l.Drop; d != nil {
					if ℓ != at || mask {
						v *= d.Mask.At(i, j)
					}
					if ℓ != at || keep {
						v /= d.Keep
					}
				}
				return v * l.Act.Prime(t.Z[ℓ].At(i, j))
			}, &back)
			δ = &back
		}
		var dW mat.Dense
		dW.Mul(t.A[ℓ-1].T(), δ)
		if decay != 0 {
			var w mat.Dense
			w.Scale(decay, n.Layers[ℓ-1].W)
			dW.Add(&dW, &w)
		}
		r, c := δ.Dims()
		db := make([]float64, c)
		for j := range c {
			for i := range r {
				db[j] += δ.At(i, j)
			}
		}
		g.DW[ℓ-1], g.DB[ℓ-1] = &dW, db
	}
	return g
}

// RunRegcheck checks each of RegPlantings on the problem spec describes
// with backproof.CheckGradient, as a learner's arrays are checked, and
// lays the results out as the rows of a heat map (LearnerGradcheck). No
// training: it takes milliseconds.
func RunRegcheck(spec problem.Spec) (*Gradcheck, error) {
	p, err := problem.Random(spec)
	if err != nil {
		return nil, err
	}
	t := p.Net.Backprop(p.X, p.Y)
	var names []string
	var reps []*backproof.GradientResult
	for _, pl := range RegPlantings {
		r, err := backproof.CheckGradient(p, pl.Build(p.Net, t), nil)
		if err != nil {
			return nil, err
		}
		names = append(names, pl.Name)
		reps = append(reps, r)
	}
	g, err := LearnerGradcheck(names, reps)
	if err != nil {
		return nil, err
	}
	for k := range g.Rows {
		g.Rows[k].Code = RegPlantings[k].Code
	}
	return g, nil
}

package experiments

import (
	"fmt"
	"math"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/problem"
	"gonum.org/v1/gonum/mat"
)

// Planted names a gradient with a planted mistake (or none).
type Planted struct {
	Name string       // "correct", "missing 1/m", "transposed", "f′ of A"
	Code compare.Code // the diagnosis code of the mistake; "" for the correct gradient
	// Build makes the gradient from the net and its backpropagation trace,
	// in the order of derive.Net.Params.
	Build func(n *derive.Net, t *derive.Trace) []float64
}

// Plantings are the gradients of the heat map: the correct one and the
// three classic mistakes of the thread (Physics Forums, "Derivative of Cost
// Function with Respect to Output Layer Weight").
var Plantings = []Planted{
	{Name: "correct", Build: func(_ *derive.Net, t *derive.Trace) []float64 { return t.Grad(nil) }},
	{Name: "missing 1/m", Code: compare.MissingOneOverM, Build: missingOneOverM},
	{Name: "transposed", Code: compare.Transposed, Build: transposed},
	{Name: "f′ of A", Code: compare.FprimeOfA, Build: fprimeOfA},
}

// missingOneOverM is the mean cost's gradient without its 1/m: m times
// every entry, as when a learner sums over the batch but the cost averages.
func missingOneOverM(_ *derive.Net, t *derive.Trace) []float64 {
	g := t.Grad(nil)
	m := batchSize(t)
	for i := range g {
		g[i] *= float64(m)
	}
	return g
}

func batchSize(t *derive.Trace) int {
	r, c := t.A[0].Dims()
	if t.Convention.ColumnLayout() {
		return c
	}
	return r
}

// transposed is every ∂C/∂W^ℓ transposed (δᵀA in place of Aᵀδ in the row
// convention); the layers must be square for it to fit W's shape.
func transposed(_ *derive.Net, t *derive.Trace) []float64 {
	var g []float64
	for ℓ := 1; ℓ < len(t.DW); ℓ++ {
		var tr mat.Dense
		tr.CloneFrom(t.DW[ℓ].T())
		g = append(g, tr.RawMatrix().Data...)
		g = append(g, t.DB[ℓ]...)
	}
	return g
}

// fprimeOfA backpropagates with f′ evaluated at the activations A instead
// of the pre-activations Z (σ′(a) = σ(a)(1−σ(a)) where σ′(z) = a(1−a) is
// meant), in the row convention:
//
//	δ^L = ∂C/∂A^L ⊙ f′(A^L),  δ^ℓ = (δ^{ℓ+1} (W^{ℓ+1})ᵀ) ⊙ f′(A^ℓ),
//	∂C/∂W^ℓ = (A^{ℓ−1})ᵀ δ^ℓ,  ∂C/∂b^ℓ = Σ_rows δ^ℓ.
func fprimeOfA(n *derive.Net, t *derive.Trace) []float64 {
	if n.Convention != derive.Row {
		panic("experiments: fprimeOfA is written for the row convention")
	}
	L := len(n.Layers)
	primeOf := func(act derive.Activation, A *mat.Dense) *mat.Dense {
		var out mat.Dense
		out.Apply(func(_, _ int, a float64) float64 { return act.Prime(a) }, A)
		return &out
	}
	delta := make([]*mat.Dense, L+1)
	var d mat.Dense
	d.MulElem(t.DA[L], primeOf(n.Layers[L-1].Act, t.A[L]))
	delta[L] = &d
	for ℓ := L - 1; ℓ >= 1; ℓ-- {
		var back, dl mat.Dense
		back.Mul(delta[ℓ+1], n.Layers[ℓ].W.T())
		dl.MulElem(&back, primeOf(n.Layers[ℓ-1].Act, t.A[ℓ]))
		delta[ℓ] = &dl
	}
	var g []float64
	for ℓ := 1; ℓ <= L; ℓ++ {
		var dW mat.Dense
		dW.Mul(t.A[ℓ-1].T(), delta[ℓ])
		g = append(g, dW.RawMatrix().Data...)
		r, c := delta[ℓ].Dims()
		for j := range c {
			var s float64
			for i := range r {
				s += delta[ℓ].At(i, j)
			}
			g = append(g, s)
		}
		_ = r
	}
	return g
}

// GradcheckRow is one planted gradient compared with the numeric one.
type GradcheckRow struct {
	Planted
	// RelError[ℓ−1] is layer ℓ's ∂C/∂W^ℓ as a matrix of per-entry relative
	// errors compare.RelError(planted, numeric), in W's layout.
	RelError []*mat.Dense
	// AbsError[ℓ−1] is |planted − numeric| per entry, in W's layout; an
	// entry at most Floor apart agrees within finite-difference noise,
	// whatever its relative error (an entry near 0 can have a large one).
	AbsError []*mat.Dense
	Floor    float64
	MaxRel   float64
	// Diagnosed is what compare.Diagnose says of each layer's ∂C/∂W^ℓ.
	Diagnosed [][]string
	// Inherits[ℓ−1] is the layer whose mistake layer ℓ's ∂C/∂W^ℓ
	// inherits (backproof.LearnerParam.Inherits), 0 when its difference,
	// if any, is its own; nil when the rows were not checked as a
	// learner's (RunGradcheck).
	Inherits []int
}

// Gradcheck is the heat-map experiment: one problem, its numeric gradient
// (backproof.CheckBackprop, central differences), and each planted gradient's
// per-entry relative error against it.
type Gradcheck struct {
	Problem *problem.Problem
	Rows    []GradcheckRow
}

// GradcheckSpec is the problem of the heat map: square layers (so that a
// transposed ∂C/∂W fits W's shape) of sigmoids, the quadratic cost averaged
// over a batch of 10, in the thread's row convention.
var GradcheckSpec = problem.Spec{Convention: derive.Row, Sizes: []int{6, 6, 6}, Batch: 10,
	Acts: []derive.Activation{derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean,
	Init: derive.Normal, Seed: 1}

// RunGradcheck compares every planting with the numeric gradient of the
// problem spec describes.
func RunGradcheck(spec problem.Spec) (*Gradcheck, error) {
	p, err := problem.Random(spec)
	if err != nil {
		return nil, err
	}
	rep, err := backproof.CheckBackprop(p, nil)
	if err != nil {
		return nil, err
	}
	out := &Gradcheck{Problem: p}
	t := rep.Trace
	for _, pl := range Plantings {
		g := pl.Build(p.Net, t)
		cmp := compare.Gradients(g, rep.Numeric, p.Net.ParamAt, nil, nil)
		row := GradcheckRow{Planted: pl, MaxRel: cmp.MaxRel, Floor: cmp.Criteria.Floor}
		entries := cmp.Entries()
		off := 0
		for ℓ, l := range p.Net.Layers {
			r, c := l.W.Dims()
			re, ae := mat.NewDense(r, c, nil), mat.NewDense(r, c, nil)
			got := mat.NewDense(r, c, nil)
			for i := range r * c {
				re.Set(i/c, i%c, entries[off+i].RelErr)
				ae.Set(i/c, i%c, entries[off+i].AbsErr)
				got.Set(i/c, i%c, g[off+i])
			}
			row.AbsError = append(row.AbsError, ae)
			var codes []string
			for _, m := range compare.Diagnose(got, t.DW[ℓ+1], compare.ContextFor(p.Net, t, compare.DW, ℓ+1)) {
				codes = append(codes, string(m.Code))
			}
			row.RelError = append(row.RelError, re)
			row.Diagnosed = append(row.Diagnosed, codes)
			off += r*c + len(l.B)
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}

// Describe names the problem for a figure's title.
func Describe(p *problem.Problem) string {
	var acts []string
	for _, l := range p.Net.Layers {
		acts = append(acts, l.Act.String())
	}
	s := fmt.Sprintf("net %v %v, %v cost, %v over a batch of %d, %v convention",
		p.Net.Sizes(), joinWords(acts), p.Net.Cost, p.Net.Reduction, p.Batch(), p.Net.Convention)
	if p.Net.L2.On() {
		s += fmt.Sprintf(", λ = %g over N = %d", p.Net.L2.Lambda, p.Net.L2.Divisor(p.Net.Reduction, p.Batch()))
	}
	var drop []string
	keep := 0.0
	for i, l := range p.Net.Layers {
		if l.Drop != nil {
			drop = append(drop, fmt.Sprint(i+1))
			keep = l.Drop.Keep
		}
	}
	if len(drop) > 0 {
		s += fmt.Sprintf(", dropout p = %g on %s %s", keep, plural(len(drop), "layer"), andWords(drop))
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// andWords is "a", "a and b", "a, b and c".
func andWords(w []string) string {
	if len(w) < 2 {
		return joinWords(w)
	}
	out := ""
	for i, s := range w[:len(w)-1] {
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out + " and " + w[len(w)-1]
}

// joinWords writes one word once when all are the same, else all with
// commas.
func joinWords(w []string) string {
	same := true
	for _, s := range w {
		same = same && s == w[0]
	}
	if same && len(w) > 0 {
		return w[0]
	}
	out := ""
	for i, s := range w {
		if i > 0 {
			out += ","
		}
		out += s
	}
	return out
}

// isFinite says whether x is neither NaN nor ±Inf.
func isFinite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

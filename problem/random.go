package problem

import (
	"encoding"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/jsonio"
	"github.com/backproof/backproof/internal/printf"
	"gonum.org/v1/gonum/mat"
)

// Spec describes a random problem.
type Spec struct {
	Convention derive.Convention
	Sizes      []int       // n₀, n₁, …, n_L
	Batch      int         // m
	Acts       derive.Acts // one for all, hidden,output, or one per layer (derive.Acts.Layers)
	Cost       derive.Cost
	Reduction  derive.Reduction // zero value: mean
	Init       derive.Init      // zero value: normal (N(0,1), as Nielsen ch. 1)
	Seed       uint64
	// L2 is the weight decay term; the zero value is none.
	L2 derive.L2
	// Keep is the keep probability p of inverted dropout on every hidden
	// layer, with masks drawn from Seed after the batch; 0 (or 1) is none.
	Keep float64
	// MaxMemory is the most Memory may estimate; 0 means budget.Default.
	MaxMemory budget.Bytes
}

// Memory estimates what a problem of this spec takes to draw and to check
// entry by entry: the parameters P = Σ (n_{ℓ−1}+1)·n_ℓ eighteen times over
// (the network and its conversion, the analytic and numeric gradients, the
// per-entry errors, and each worker's copy of the network and of its
// layer's cached values), and each example's values (inputs, targets and
// every layer's z, a, ∂C/∂a and δ) six times over (the batch, its
// conversion, the backward pass and each worker's forward pass). Measured
// peaks of backproof check (resident memory, with the Go runtime's own):
// [784,1000,1000,10] with a batch of 10, 260 MB against an estimate of
// 263 MB; [10,10] with a batch of 300,000, 514 MB against 864 MB.
func (s Spec) Memory() budget.Bytes {
	if len(s.Sizes) == 0 {
		return 0
	}
	perExample := budget.Count(6, budget.Add(s.Sizes[0], s.Sizes[len(s.Sizes)-1], budget.Count(4, budget.Units(s.Sizes))))
	return budget.Sum(
		budget.Floats(18, budget.Params(s.Sizes)),
		budget.Floats(perExample, s.Batch),
	)
}

// Validate checks the spec as Random does, without drawing anything: the
// network (derive.NetSpec.Validate), the batch size, and the memory against
// MaxMemory.
func (s Spec) Validate() error {
	_, err := s.netSpec()
	return err
}

func (s Spec) netSpec() (derive.NetSpec, error) {
	ns := derive.NetSpec{Convention: s.Convention, Sizes: s.Sizes, Cost: s.Cost, Reduction: s.Reduction, Init: s.Init}
	if len(s.Sizes) < 2 {
		return ns, printf.Errorf("a network needs at least an input and an output size, got %v", s.Sizes)
	}
	if len(s.Sizes)-1 > MaxLayers {
		return ns, printf.Errorf("%d layers, more than the %d a problem may have", len(s.Sizes)-1, MaxLayers)
	}
	for i, n := range s.Sizes {
		if n < 1 {
			return ns, printf.Errorf("layer size n%d = %d: every size must be at least 1", i, n)
		}
	}
	if s.Batch < 1 {
		return ns, printf.Errorf("batch size %d: must be at least 1", s.Batch)
	}
	if err := checkL2(s.L2); err != nil {
		return ns, err
	}
	if !(s.Keep >= 0 && s.Keep <= 1) {
		return ns, printf.Errorf("keep probability %g: want 0 < p ≤ 1 (the chance that a hidden unit is kept)", s.Keep)
	}
	acts := s.Acts
	if len(acts) == 0 {
		acts = derive.Acts{derive.Sigmoid}
	}
	var err error
	if ns.Acts, err = acts.Layers(len(s.Sizes) - 1); err != nil {
		return ns, err
	}
	if err := ns.Validate(); err != nil {
		return ns, err
	}
	what := printf.Sprintf("a problem with layer sizes %s and a batch of %d", joinInts(s.Sizes), s.Batch)
	return ns, budget.Check(what, s.Memory(), s.MaxMemory)
}

// Drawer is formula's CostNote draw from a function that makes a spec for
// each cost: the command line and the page each make theirs from their
// flags, validated as for the command, and both draw the problem the same
// way. A cost whose spec is refused, or cannot be drawn, gives false.
func Drawer(spec func(derive.Cost) (Spec, error)) func(derive.Cost) (*derive.Net, *mat.Dense, *mat.Dense, bool) {
	return func(c derive.Cost) (*derive.Net, *mat.Dense, *mat.Dense, bool) {
		s, err := spec(c)
		if err != nil {
			return nil, nil, nil, false
		}
		p, err := Random(s)
		if err != nil {
			return nil, nil, nil, false
		}
		return p.Net, p.X, p.Y, true
	}
}

// Random draws a problem: parameters from Spec.Init, inputs from N(0,1),
// targets to suit the cost (one-hot for log-likelihood, uniform on [0,1)
// otherwise). Draws are made in the column layout and transposed for the
// row convention, so one seed gives the same problem in every convention.
// The spec is validated first (Validate), so a size too large for the
// memory limit is refused before anything is allocated.
func Random(s Spec) (*Problem, error) {
	ns, err := s.netSpec()
	if err != nil {
		return nil, err
	}
	L := len(s.Sizes) - 1
	rng := rand.New(rand.NewPCG(s.Seed, s.Seed^0x9e3779b97f4a7c15))
	ns.Convention = derive.Column
	net := derive.NewNet(ns, rng)
	X := mat.NewDense(s.Sizes[0], s.Batch, nil)
	for i := range X.RawMatrix().Data {
		X.RawMatrix().Data[i] = rng.NormFloat64()
	}
	out := s.Sizes[L]
	Y := mat.NewDense(out, s.Batch, nil)
	for x := 0; x < s.Batch; x++ {
		if s.Cost.OneHot() {
			Y.Set(rng.IntN(out), x, 1)
			continue
		}
		for k := 0; k < out; k++ {
			Y.Set(k, x, rng.Float64())
		}
	}
	net.L2 = s.L2
	if s.Keep > 0 && s.Keep < 1 {
		for ℓ := 1; ℓ < L; ℓ++ {
			net.Layers[ℓ-1].Drop = &derive.Dropout{Keep: s.Keep, Mask: DrawMask(rng, s.Keep, s.Sizes[ℓ], s.Batch)}
		}
	}
	c := s.Convention
	return &Problem{Net: net.In(c), X: derive.Batch(X, derive.Column, c), Y: derive.Batch(Y, derive.Column, c)}, nil
}

// DrawMask draws a dropout mask D for n units and m examples in the column
// layout (n×m): each entry 1 with probability keep, else 0, as Ng's
// (np.random.rand(n, m) < keep_prob).
func DrawMask(rng *rand.Rand, keep float64, n, m int) *mat.Dense {
	D := mat.NewDense(n, m, nil)
	for i := range D.RawMatrix().Data {
		if rng.Float64() < keep {
			D.RawMatrix().Data[i] = 1
		}
	}
	return D
}

// checkL2 refuses a λ that is negative or not finite and an N below 0.
func checkL2(r derive.L2) error {
	if !(r.Lambda >= 0 && !math.IsInf(r.Lambda, 0)) {
		return printf.Errorf("lambda %g: want a finite λ ≥ 0", r.Lambda)
	}
	if r.N < 0 {
		return printf.Errorf("lambda N %d: want N ≥ 1 (Nielsen's n, Ng's m, or 1), or 0 for the reduction's (m for a mean, 1 for a sum)", r.N)
	}
	return nil
}

// MarshalJSON writes the problem in the problem-file format, so a random
// problem can be saved, edited and checked again: the fields in the order
// of problemFile's tags (its test writes a problemFile with encoding/json
// and compares), the names written by the named types' MarshalText, the
// inverse of what the reader parses.
func (p *Problem) MarshalJSON() ([]byte, error) {
	var w jsonio.Writer
	f := p.file()
	f.write(&w)
	return w.Bytes()
}

// problemLayer and problemFile are the problem-file format.
type problemLayer struct {
	Activation derive.Activation `json:"activation"`
	W          [][]float64       `json:"W"`
	B          []float64         `json:"b"`
	Keep       float64           `json:"keep_prob,omitempty"`
	D          [][]float64       `json:"D,omitempty"`
}

type problemFile struct {
	Convention derive.Convention `json:"convention"`
	Cost       derive.Cost       `json:"cost"`
	Reduction  derive.Reduction  `json:"reduction"`
	Lambda     float64           `json:"lambda,omitempty"`
	LambdaN    int               `json:"lambda_n,omitempty"`
	Layers     []problemLayer    `json:"layers"`
	X          [][]float64       `json:"X"`
	Y          [][]float64       `json:"Y"`
}

func (p *Problem) file() problemFile {
	f := problemFile{Convention: p.Net.Convention, Cost: p.Net.Cost, Reduction: p.Net.Reduction, X: Rows(p.X), Y: Rows(p.Y),
		Lambda: p.Net.L2.Lambda, LambdaN: p.Net.L2.N}
	for _, l := range p.Net.Layers {
		ly := problemLayer{Activation: l.Act, W: Rows(l.W), B: l.B}
		if l.Drop != nil {
			ly.Keep, ly.D = l.Drop.Keep, Rows(l.Drop.Mask)
		}
		f.Layers = append(f.Layers, ly)
	}
	return f
}

func (f *problemFile) write(w *jsonio.Writer) {
	w.BeginObject()
	w.Key("convention")
	text(w, f.Convention)
	w.Key("cost")
	text(w, f.Cost)
	w.Key("reduction")
	text(w, f.Reduction)
	if f.Lambda != 0 {
		w.Key("lambda")
		w.Float(f.Lambda)
	}
	if f.LambdaN != 0 {
		w.Key("lambda_n")
		w.Int(f.LambdaN)
	}
	w.Key("layers")
	if f.Layers == nil {
		w.Null()
	} else {
		w.BeginArray()
		for _, l := range f.Layers {
			w.BeginObject()
			w.Key("activation")
			text(w, l.Activation)
			w.Key("W")
			w.Rows(l.W)
			w.Key("b")
			w.Floats(l.B)
			if l.Keep != 0 {
				w.Key("keep_prob")
				w.Float(l.Keep)
			}
			if len(l.D) > 0 {
				w.Key("D")
				w.Rows(l.D)
			}
			w.EndObject()
		}
		w.EndArray()
	}
	w.Key("X")
	w.Rows(f.X)
	w.Key("Y")
	w.Rows(f.Y)
	w.EndObject()
}

// text writes a name by its MarshalText, as encoding/json writes it.
func text(w *jsonio.Writer, v encoding.TextMarshaler) {
	b, err := v.MarshalText()
	if err != nil {
		w.Fail(err)
		return
	}
	w.String(string(b))
}

// Rows returns a matrix as a list of rows, the way JSON files write it.
func Rows(m *mat.Dense) [][]float64 {
	r, _ := m.Dims()
	out := make([][]float64, r)
	for i := range out {
		out[i] = append([]float64(nil), m.RawRowView(i)...)
	}
	return out
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}

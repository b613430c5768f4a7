package curvature

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/backproof/backproof/derive"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// The default thresholds of Kind's table, the ones the CLI, the report and
// the lessons use.
const (
	DefaultGradTol = 1e-3 // a gradient above this is a slope
	DefaultFlatTol = 1e-5 // a gradient and curvature at most this are flat
	DefaultNegTol  = 1e-3 // λmin < −DefaultNegTol·|λmax| is clearly negative
)

// Settings tune a probe; nil or a zero field means the documented default.
type Settings struct {
	Iterations int     `json:"iterations"` // Lanczos iterations k, on the whole Hessian and on each block; 0 means 30
	Step       float64 `json:"step"`       // length of the finite-difference step in parameter space; 0 means 1e-5
	GradTol    float64 `json:"grad_tol"`   // a gradient is small when ‖∇C‖ ≤ GradTol; 0 means 1e-3
	FlatTol    float64 `json:"flat_tol"`   // a gradient or curvature is tiny when ≤ FlatTol; 0 means 1e-5
	NegTol     float64 `json:"neg_tol"`    // λmin is clearly negative when λmin < −NegTol·|λmax| and < −FlatTol; 0 means 1e-3
	Seed       uint64  `json:"seed"`       // seeds the Lanczos start vectors; 0 means 1
}

func (s *Settings) resolve() Settings {
	var r Settings
	if s != nil {
		r = *s
	}
	if r.Iterations == 0 {
		r.Iterations = 30
	}
	if r.Step == 0 {
		r.Step = 1e-5
	}
	if r.GradTol == 0 {
		r.GradTol = DefaultGradTol
	}
	if r.FlatTol == 0 {
		r.FlatTol = DefaultFlatTol
	}
	if r.NegTol == 0 {
		r.NegTol = DefaultNegTol
	}
	if r.Seed == 0 {
		r.Seed = 1
	}
	return r
}

// Rule is Kind's table with these thresholds, in one line.
func (s Settings) Rule() string {
	r := s.resolve()
	return fmt.Sprintf("flat: ‖∇‖ and every |λ| ≤ %g; slope: ‖∇‖ > %g; saddle: λmin < −%g·|λmax| and < −%g; minimum: otherwise",
		r.FlatTol, r.GradTol, r.NegTol, r.FlatTol)
}

// Kind is what the cost surface is like at a point for one set of
// parameters, the whole net or one block (a layer's W and b), judged from
// the gradient and the extremes of the Hessian restricted to that set. One
// definition serves the whole net and every block (Classify):
//
//	flat     ‖∇‖ ≤ FlatTol and every |λ| ≤ FlatTol: the cost neither slopes
//	         nor curves along these parameters, so gradient descent cannot
//	         move them (saturated sigmoids pass back f′(z) ≈ 0)
//	slope    ‖∇‖ > GradTol: not a critical point
//	saddle   λmin < −NegTol·|λmax| and λmin < −FlatTol: some direction goes down
//	minimum  otherwise: no direction goes down
//
// A point where some block is flat is on a plateau for that block (Result.Plateau):
// those parameters cannot learn from there, whatever the other blocks do.
type Kind int

const (
	// Minimum: a small gradient and no clearly negative curvature,
	// λmin ≥ −NegTol·|λmax|. It may still be flat along some directions.
	Minimum Kind = iota
	// Saddle: a small gradient and a clearly negative eigenvalue,
	// λmin < −NegTol·|λmax| (and below −FlatTol): a direction goes down.
	Saddle
	// Flat: a tiny gradient and tiny curvature, ‖∇‖ and every |λ| ≤
	// FlatTol: the cost does not change to second order along these
	// parameters. Neither a minimum nor a saddle: nothing there curves.
	Flat
	// Slope: not a critical point; the gradient is not small (‖∇‖ > GradTol).
	Slope
)

var kindNames = []string{"minimum", "saddle", "flat", "slope"}

func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// MarshalText writes the kind by name in JSON.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Classify judges a set of parameters from its gradient norm and Hessian
// extremes, with the thresholds of s (nil for defaults), checking in the
// order of Kind's table: flat, slope, saddle, minimum.
func Classify(gradNorm, λmin, λmax float64, s *Settings) Kind {
	r := s.resolve()
	switch {
	case gradNorm <= r.FlatTol && math.Max(math.Abs(λmin), math.Abs(λmax)) <= r.FlatTol:
		return Flat
	case !(gradNorm <= r.GradTol): // NaN is not small either
		return Slope
	case λmin < -r.NegTol*math.Abs(λmax) && λmin < -r.FlatTol:
		return Saddle
	}
	return Minimum
}

// Block names a contiguous range of parameters, such as one layer's W and b.
type Block struct {
	Name        string
	Offset, Len int
}

// BlockResult is the gradient and curvature restricted to one block: the
// block of the gradient and the extreme eigenvalues of the Hessian's
// diagonal block for those parameters (which lie inside [λmin, λmax] of the
// whole Hessian, by Cauchy's interlacing theorem), and the block's Kind by
// the same Classify as the whole net's.
type BlockResult struct {
	Name      string  `json:"name"`
	Params    int     `json:"params"`
	GradNorm  float64 `json:"grad_norm"`
	LambdaMin float64 `json:"lambda_min"`
	LambdaMax float64 `json:"lambda_max"`
	Kind      Kind    `json:"kind"`
}

// Result is what a probe found.
type Result struct {
	Kind      Kind      `json:"kind"`   // the whole net's, by Classify
	Reason    string    `json:"reason"` // which numbers made the kinds, in words
	GradNorm  float64   `json:"grad_norm"`
	LambdaMin float64   `json:"lambda_min"`
	LambdaMax float64   `json:"lambda_max"`
	Ritz      []float64 `json:"ritz"` // every Ritz value of the whole Hessian, ascending
	// MinVector and MaxVector are the unit Ritz vectors of LambdaMin and
	// LambdaMax in the order of θ: the directions of a loss-surface slice.
	MinVector  []float64     `json:"-"`
	MaxVector  []float64     `json:"-"`
	Blocks     []BlockResult `json:"blocks,omitempty"`
	Params     int           `json:"params"`
	Iterations int           `json:"iterations"`
	Step       float64       `json:"step"`
	Thresholds Settings      `json:"thresholds"`
}

// FlatBlocks names the blocks whose Kind is Flat.
func (r *Result) FlatBlocks() []string {
	var names []string
	for _, b := range r.Blocks {
		if b.Kind == Flat {
			names = append(names, b.Name)
		}
	}
	return names
}

// Plateau says whether the point is on a plateau: the whole net, or some
// block of it, is flat, so those parameters cannot learn from here.
func (r *Result) Plateau() bool { return r.Kind == Flat || len(r.FlatBlocks()) > 0 }

// Summary is the kinds in a few words, the whole net's first:
// "saddle; layer 1 flat, layer 2 saddle".
func (r *Result) Summary() string {
	s := r.Kind.String()
	var bs []string
	for _, b := range r.Blocks {
		bs = append(bs, b.Name+" "+b.Kind.String())
	}
	if len(bs) > 0 {
		s += "; " + strings.Join(bs, ", ")
	}
	return s
}

// Probe measures the gradient and the Hessian's extreme eigenvalues of the
// function with gradient grad at θ (Lanczos on HessVec), for the whole
// parameter vector and for each block, and classifies each by Classify.
// θ is not changed.
func Probe(grad func(dst, θ []float64), θ []float64, blocks []Block, s *Settings) *Result {
	return probe(grad, θ, blocks, nil, s)
}

// probe is Probe, with a cheaper gradient for a block's own curvature
// where blockGrads has one (not nil): blockGrads[i] must give grad's
// entries in block i (the others may be anything) at every θ that differs
// from the probed point only inside the block. The Hessian-vector products
// of the block's Lanczos then come from it, the same numbers for less work.
func probe(grad func(dst, θ []float64), θ []float64, blocks []Block, blockGrads []func(dst, θ []float64), s *Settings) *Result {
	r := s.resolve()
	n := len(θ)
	rng := rand.New(rand.NewPCG(r.Seed, 0))
	g := make([]float64, n)
	grad(g, append([]float64(nil), θ...))
	hv := HessVec(grad, θ, r.Step)
	spec := Lanczos(hv, n, r.Iterations, rng)
	rep := &Result{
		GradNorm: floats.Norm(g, 2), LambdaMin: spec.Min, LambdaMax: spec.Max, Ritz: spec.Ritz,
		MinVector: spec.MinVector, MaxVector: spec.MaxVector,
		Params: n, Iterations: spec.Iterations, Step: r.Step, Thresholds: r,
	}
	v, hvFull := make([]float64, n), make([]float64, n)
	for i, b := range blocks {
		bhv := hv
		if i < len(blockGrads) && blockGrads[i] != nil {
			bhv = HessVec(blockGrads[i], θ, r.Step)
		}
		blockHv := func(dst, u []float64) {
			clear(v)
			copy(v[b.Offset:], u)
			bhv(hvFull, v)
			copy(dst, hvFull[b.Offset:b.Offset+b.Len])
		}
		bs := Lanczos(blockHv, b.Len, r.Iterations, rng)
		br := BlockResult{Name: b.Name, Params: b.Len, GradNorm: floats.Norm(g[b.Offset:b.Offset+b.Len], 2),
			LambdaMin: bs.Min, LambdaMax: bs.Max}
		br.Kind = Classify(br.GradNorm, br.LambdaMin, br.LambdaMax, &r)
		rep.Blocks = append(rep.Blocks, br)
	}
	rep.Kind = Classify(rep.GradNorm, rep.LambdaMin, rep.LambdaMax, &r)
	rep.Reason = "the whole net: " + reason(rep.Kind, rep.GradNorm, rep.LambdaMin, rep.LambdaMax, r)
	for _, b := range rep.Blocks {
		rep.Reason += "; " + b.Name + ": " + reason(b.Kind, b.GradNorm, b.LambdaMin, b.LambdaMax, r)
	}
	if flat := rep.FlatBlocks(); len(flat) > 0 && rep.Kind != Flat {
		rep.Reason += fmt.Sprintf(". A plateau for %s: gradient descent cannot move %s parameters from here",
			strings.Join(flat, " and "), map[bool]string{true: "its", false: "their"}[len(flat) == 1])
	}
	return rep
}

// reason says which numbers made a set of parameters the kind k.
func reason(k Kind, g, λmin, λmax float64, r Settings) string {
	switch k {
	case Flat:
		return fmt.Sprintf("flat, ‖∇‖ = %.3g and every |λ| ≤ %.3g are at most %g", g, math.Max(math.Abs(λmin), math.Abs(λmax)), r.FlatTol)
	case Slope:
		s := fmt.Sprintf("slope, ‖∇‖ = %.3g > %g", g, r.GradTol)
		if λmin < -r.NegTol*math.Abs(λmax) && λmin < -r.FlatTol {
			s += fmt.Sprintf(", curving down along some direction (λmin = %.3g)", λmin)
		}
		return s
	case Saddle:
		return fmt.Sprintf("saddle, ‖∇‖ = %.3g ≤ %g and λmin = %.3g < −%g·|λmax| (λmax = %.3g): some direction goes down", g, r.GradTol, λmin, r.NegTol, λmax)
	}
	return fmt.Sprintf("minimum, ‖∇‖ = %.3g ≤ %g and λmin = %.3g ≥ −%g·|λmax| (λmax = %.3g): no direction goes down", g, r.GradTol, λmin, r.NegTol, λmax)
}

// NetGrad returns the gradient of the cost of net on the batch X, Y (laid out
// for net's convention) as a function of the flattened parameters θ (in the
// order of derive.Net.Params), from derive's analytic backpropagation, plus
// an L2 term: decay·W is added to every weight's gradient (decay = λ/n is
// the gradient of (λ/2n)·Σ w², network2's regularisation). The function
// works on a copy of net, so net itself is never changed.
func NetGrad(net *derive.Net, X, Y *mat.Dense, decay float64) func(dst, θ []float64) {
	work := net.In(net.Convention)
	return func(dst, θ []float64) {
		work.SetParams(θ)
		work.Backprop(X, Y).Grad(dst[:0])
		if decay == 0 {
			return
		}
		i := 0
		for _, l := range work.Layers {
			r, c := l.W.Dims()
			for j := range r * c {
				dst[i+j] += decay * θ[i+j]
			}
			i += r*c + len(l.B)
		}
	}
}

// LayerBlocks names each layer's parameters, W^ℓ and b^ℓ together, as
// blocks "layer 1" … "layer L" of derive.Net.Params.
func LayerBlocks(net *derive.Net) []Block {
	var bs []Block
	off := 0
	for i, l := range net.Layers {
		r, c := l.W.Dims()
		n := r*c + len(l.B)
		bs = append(bs, Block{Name: fmt.Sprintf("layer %d", i+1), Offset: off, Len: n})
		off += n
	}
	return bs
}

// ProbeNet probes net at its current parameters on the batch X, Y with
// NetGrad and LayerBlocks. The net is not changed.
//
// A layer's own curvature moves that layer's parameters only, so the
// layers below it compute what they computed at the probed point: in the
// row and column conventions their activations are computed once, and the
// layer's Hessian-vector products backpropagate through it and the layers
// above alone (layerGrad), the same operations on the same numbers as
// NetGrad's. For Nielsen's [784, 30, 10] net the output layer's products
// then skip the 784-wide first layer: a third of the probe's work.
func ProbeNet(net *derive.Net, X, Y *mat.Dense, decay float64, s *Settings) *Result {
	var blockGrads []func(dst, θ []float64)
	if c := net.Convention; c == derive.Row || c == derive.Column {
		_, A := net.Forward(X)
		blockGrads = make([]func(dst, θ []float64), len(net.Layers))
		for ℓ := 2; ℓ <= len(net.Layers); ℓ++ {
			blockGrads[ℓ-1] = layerGrad(net, ℓ, A[ℓ-1], Y, decay)
		}
	}
	return probe(NetGrad(net, X, Y, decay), net.Params(nil), LayerBlocks(net), blockGrads, s)
}

// layerGrad is NetGrad's gradient in the parameters of layers ℓ…L, at a
// θ whose layers below ℓ are those of net, whose activations of layer
// ℓ−1 on the batch are below: the net from layer ℓ up, fed below. The
// entries of the layers below ℓ are left as they are.
func layerGrad(net *derive.Net, ℓ int, below, Y *mat.Dense, decay float64) func(dst, θ []float64) {
	work := net.In(net.Convention)
	top := &derive.Net{Convention: work.Convention, Layers: work.Layers[ℓ-1:], Cost: work.Cost, Reduction: work.Reduction, Cores: work.Cores}
	off := 0
	for _, l := range work.Layers[:ℓ-1] {
		r, c := l.W.Dims()
		off += r*c + len(l.B)
	}
	return func(dst, θ []float64) {
		top.SetParams(θ[off:])
		top.Backprop(below, Y).Grad(dst[off:off])
		if decay == 0 {
			return
		}
		i := off
		for _, l := range top.Layers {
			r, c := l.W.Dims()
			for j := range r * c {
				dst[i+j] += decay * θ[i+j]
			}
			i += r*c + len(l.B)
		}
	}
}

package curvature

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/backproof/backproof/derive"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
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
		r.GradTol = 1e-3
	}
	if r.FlatTol == 0 {
		r.FlatTol = 1e-5
	}
	if r.NegTol == 0 {
		r.NegTol = 1e-3
	}
	if r.Seed == 0 {
		r.Seed = 1
	}
	return r
}

// Kind is what a point of the cost surface is, judged from its gradient and
// the extremes of its Hessian's spectrum.
type Kind int

const (
	// Minimum: a small gradient and no clearly negative curvature,
	// λmin ≥ −NegTol·|λmax|. It may still be flat along some directions.
	Minimum Kind = iota
	// Saddle: a small gradient and a clearly negative eigenvalue,
	// λmin < −NegTol·|λmax| (and below −FlatTol): a direction goes down.
	Saddle
	// Plateau: a tiny gradient and tiny curvature (‖∇C‖ and every |λ| ≤
	// FlatTol) along every parameter, or a small gradient and all of that
	// along every parameter of some whole layer (Probe): the cost does not
	// change to second order, as when saturated sigmoids pass back
	// f′(z) ≈ 0. Neither a minimum nor a saddle: nothing there curves.
	Plateau
	// Slope: not a critical point; the gradient is not small (‖∇C‖ > GradTol).
	Slope
)

var kindNames = []string{"minimum", "saddle", "plateau", "slope"}

func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// MarshalText writes the kind by name in JSON.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Classify judges a point from its gradient norm and Hessian extremes, with
// the thresholds of s (nil for defaults), checking in this order:
//
//	plateau  ‖∇C‖ ≤ FlatTol and max(|λmin|, |λmax|) ≤ FlatTol
//	slope    ‖∇C‖ > GradTol
//	saddle   λmin < −NegTol·|λmax| and λmin < −FlatTol
//	minimum  otherwise
//
// Classify sees only the whole Hessian; Probe also calls a point a plateau
// when one layer's block is flat (see Report).
func Classify(gradNorm, λmin, λmax float64, s *Settings) Kind {
	r := s.resolve()
	switch {
	case gradNorm <= r.FlatTol && math.Max(math.Abs(λmin), math.Abs(λmax)) <= r.FlatTol:
		return Plateau
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

// BlockReport is the gradient and curvature restricted to one block: the
// block of the gradient and the extreme eigenvalues of the Hessian's
// diagonal block for those parameters (which lie inside [λmin, λmax] of the
// whole Hessian, by Cauchy's interlacing theorem).
type BlockReport struct {
	Name      string  `json:"name"`
	Params    int     `json:"params"`
	GradNorm  float64 `json:"grad_norm"`
	LambdaMin float64 `json:"lambda_min"`
	LambdaMax float64 `json:"lambda_max"`
	Flat      bool    `json:"flat"` // GradNorm and both |λ| ≤ FlatTol
}

// Report is the result of a probe.
type Report struct {
	Kind      Kind      `json:"kind"`
	Reason    string    `json:"reason"` // one sentence: which numbers made the kind
	GradNorm  float64   `json:"grad_norm"`
	LambdaMin float64   `json:"lambda_min"`
	LambdaMax float64   `json:"lambda_max"`
	Ritz      []float64 `json:"ritz"` // every Ritz value of the whole Hessian, ascending
	// MinVector and MaxVector are the unit Ritz vectors of LambdaMin and
	// LambdaMax in the order of θ: the directions of a loss-surface slice.
	MinVector  []float64     `json:"-"`
	MaxVector  []float64     `json:"-"`
	Blocks     []BlockReport `json:"blocks,omitempty"`
	Params     int           `json:"params"`
	Iterations int           `json:"iterations"`
	Step       float64       `json:"step"`
	Thresholds Settings      `json:"thresholds"`
}

// Probe measures the gradient and the Hessian's extreme eigenvalues of the
// function with gradient grad at θ (Lanczos on HessVec), for the whole
// parameter vector and for each block, and classifies the point: by
// Classify, except that a small gradient (≤ GradTol) with some block flat
// (its gradient and curvature all ≤ FlatTol) is a Plateau, whatever the
// other blocks' curvature: a layer that neither slopes nor curves cannot
// learn. θ is not changed.
func Probe(grad func(dst, θ []float64), θ []float64, blocks []Block, s *Settings) *Report {
	r := s.resolve()
	n := len(θ)
	rng := rand.New(rand.NewPCG(r.Seed, 0))
	g := make([]float64, n)
	grad(g, append([]float64(nil), θ...))
	hv := HessVec(grad, θ, r.Step)
	spec := Lanczos(hv, n, r.Iterations, rng)
	rep := &Report{
		GradNorm: floats.Norm(g, 2), LambdaMin: spec.Min, LambdaMax: spec.Max, Ritz: spec.Ritz,
		MinVector: spec.MinVector, MaxVector: spec.MaxVector,
		Params: n, Iterations: spec.Iterations, Step: r.Step, Thresholds: r,
	}
	v, hvFull := make([]float64, n), make([]float64, n)
	var flat []string
	for _, b := range blocks {
		blockHv := func(dst, u []float64) {
			clear(v)
			copy(v[b.Offset:], u)
			hv(hvFull, v)
			copy(dst, hvFull[b.Offset:b.Offset+b.Len])
		}
		bs := Lanczos(blockHv, b.Len, r.Iterations, rng)
		br := BlockReport{Name: b.Name, Params: b.Len, GradNorm: floats.Norm(g[b.Offset:b.Offset+b.Len], 2),
			LambdaMin: bs.Min, LambdaMax: bs.Max}
		br.Flat = br.GradNorm <= r.FlatTol && math.Max(math.Abs(bs.Min), math.Abs(bs.Max)) <= r.FlatTol
		if br.Flat {
			flat = append(flat, b.Name)
		}
		rep.Blocks = append(rep.Blocks, br)
	}
	rep.Kind = Classify(rep.GradNorm, rep.LambdaMin, rep.LambdaMax, &r)
	if rep.Kind != Plateau && rep.Kind != Slope && len(flat) > 0 {
		// A whole layer that neither slopes nor curves cannot learn,
		// whatever the small remaining curvature of the others says.
		rep.Kind = Plateau
		rep.Reason = fmt.Sprintf("‖∇C‖ = %.3g ≤ %g, and %s: gradient and curvature ≤ %g along all its parameters, so moving them does not change the cost; the other parameters give λmin = %.3g, λmax = %.3g",
			rep.GradNorm, r.GradTol, flatList(flat), r.FlatTol, spec.Min, spec.Max)
		return rep
	}
	switch rep.Kind {
	case Plateau:
		rep.Reason = fmt.Sprintf("‖∇C‖ = %.3g and every |λ| ≤ %.3g are at most %g: the cost is flat to second order", rep.GradNorm, math.Max(math.Abs(spec.Min), math.Abs(spec.Max)), r.FlatTol)
	case Slope:
		rep.Reason = fmt.Sprintf("‖∇C‖ = %.3g > %g: not a critical point", rep.GradNorm, r.GradTol)
		if spec.Min < -r.NegTol*math.Abs(spec.Max) && spec.Min < -r.FlatTol {
			rep.Reason += fmt.Sprintf(", though the cost curves down along some direction (λmin = %.3g, λmax = %.3g)", spec.Min, spec.Max)
		}
		if len(flat) > 0 {
			rep.Reason += "; " + flatList(flat) + " (gradient and curvature ≤ " + fmt.Sprint(r.FlatTol) + ")"
		}
	case Saddle:
		rep.Reason = fmt.Sprintf("‖∇C‖ = %.3g ≤ %g and λmin = %.3g < −%g·|λmax| (λmax = %.3g): some direction goes down", rep.GradNorm, r.GradTol, spec.Min, r.NegTol, spec.Max)
	case Minimum:
		rep.Reason = fmt.Sprintf("‖∇C‖ = %.3g ≤ %g and λmin = %.3g ≥ −%g·|λmax| (λmax = %.3g): no direction goes down", rep.GradNorm, r.GradTol, spec.Min, r.NegTol, spec.Max)
	}
	return rep
}

func flatList(names []string) string {
	if len(names) == 1 {
		return names[0] + " is flat"
	}
	return fmt.Sprint(names) + " are flat"
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
func ProbeNet(net *derive.Net, X, Y *mat.Dense, decay float64, s *Settings) *Report {
	return Probe(NetGrad(net, X, Y, decay), net.Params(nil), LayerBlocks(net), s)
}

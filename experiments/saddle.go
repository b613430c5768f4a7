package experiments

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/backproof/backproof/curvature"
	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// SaddleSettings tune the saddle experiment; nil or a zero field means the
// documented default.
type SaddleSettings struct {
	Examples int // XOR points (data.XOR); 0 means 40
	Hidden   int // hidden units, all started identical; 0 means 2
	// Act is the hidden units' activation; the zero value is sigmoid.
	Act derive.Activation
	// Eta is the full-batch gradient-descent step; 0 means 5, well below
	// the stability limit 2/λmax ≈ 15 of this problem.
	Eta float64
	// Steps is the length of every run, in full-batch steps (epochs);
	// 0 means 8000.
	Steps int
	// Perturb is the size of the asymmetric nudge that leaves the saddle:
	// each hidden unit's parameters move by Perturb times a standard
	// normal draw. 0 means 1e-6.
	Perturb float64
	// Decay is the L2 term (Decay/2)·Σw² on the weights, which turns the
	// XOR solution (at infinity without it) into a true minimum at finite
	// weights; 0 means 1e-3.
	Decay float64
	// GradTol is the gradient norm below which the symmetric run counts as
	// having reached its critical point; 0 means 1e-6.
	GradTol float64
	// Seed seeds the data, the symmetric start and the nudge; 0 means 2,
	// whose symmetric start converges to a saddle (seeds 1 and 3 do too;
	// seed 4's reaches a symmetric point at C = 0.25 where the net answers
	// one half for everything, flat rather than a saddle).
	Seed uint64
	// Every records every Every-th step; 0 means Steps/400 (at least 1).
	Every int
}

func (s *SaddleSettings) resolve() SaddleSettings {
	var r SaddleSettings
	if s != nil {
		r = *s
	}
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	if r.Examples == 0 {
		r.Examples = 40
	}
	if r.Hidden == 0 {
		r.Hidden = 2
	}
	if r.Steps == 0 {
		r.Steps = 8000
	}
	if r.Seed == 0 {
		r.Seed = 2
	}
	if r.Every == 0 {
		r.Every = max(1, r.Steps/400)
	}
	def(&r.Eta, 5)
	def(&r.Perturb, 1e-6)
	def(&r.Decay, 1e-3)
	def(&r.GradTol, 1e-6)
	return r
}

// Trajectory is one full-batch gradient-descent run, recorded every few
// steps: step 0 is the start.
type Trajectory struct {
	Name     string
	Steps    []int
	Cost     []float64 // C(θ) = (1/m)Σ_x C_x + (Decay/2)Σw²
	GradNorm []float64 // ‖∇C(θ)‖
	Accuracy []float64 // fraction of the examples classified correctly
	// Asymmetry is the largest difference between two hidden units'
	// parameters (incoming weights, bias, outgoing weights): 0 exactly
	// while a run stays in the symmetric subspace.
	Asymmetry []float64
	Final     []float64   // θ after the last step
	Thetas    [][]float64 // θ at each recorded step
}

// Saddle is the result of the saddle experiment: the symmetric critical
// point, its curvature, and the runs that show it.
type Saddle struct {
	Settings SaddleSettings
	Net      *derive.Net // the network at the saddle point (column convention)
	X, Y     *mat.Dense  // the XOR data, laid out for Net
	// Point is θ at the symmetric critical point.
	Point []float64
	// Probe is the curvature probe there: λmin < 0 with a gradient below
	// GradTol makes it a saddle of the full parameter space.
	Probe *curvature.Result
	// Symmetric is the run from the symmetric start, which never leaves
	// the symmetric subspace: it ends on the saddle.
	Symmetric Trajectory
	// Nudged is the same run with a nudge of size Perturb at step 0: it
	// sits on the saddle's plateau, then leaves it.
	Nudged Trajectory
	// Random starts from ordinary random weights (N(0,1)/√n_in), off the
	// saddle: it trains directly.
	Random Trajectory
	// Escape is the first recorded step of Nudged whose cost is below
	// halfway between the saddle's cost and Nudged's final cost; −1 if it
	// never is.
	Escape int
	// Minimum is the probe at Nudged's end: the trained minimum.
	Minimum *curvature.Result
}

// RunSaddle runs the saddle experiment of the report: a [2, H, 2] net of
// sigmoids with the quadratic cost on XOR, started with its H hidden units
// identical (the same incoming weights and bias, the same outgoing
// weights). Hidden units that are identical get identical gradients, so
// gradient descent keeps them identical: the run stays in the symmetric
// subspace, where the net computes what a net with one hidden unit does,
// and cannot solve XOR. It converges to a critical point that is a minimum
// inside that subspace but a saddle in the full space: splitting the units
// apart lowers the cost, and the curvature probe sees it as λmin < 0. A
// nudge of size Perturb breaks the symmetry; the difference between the
// units grows like exp(η|λmin|t), so the run sits on a plateau for a
// while, then escapes to a minimum that solves XOR.
func RunSaddle(s *SaddleSettings) (*Saddle, error) {
	r := s.resolve()
	if r.Examples < 4 || r.Hidden < 2 || r.Steps < 1 || !(r.Eta > 0) || r.Perturb < 0 || r.Decay < 0 {
		return nil, fmt.Errorf("saddle settings %+v: want at least 4 examples, 2 hidden units, 1 step, η > 0, perturbation and decay ≥ 0", r)
	}
	set := data.XOR(r.Examples, r.Seed)
	X := derive.Batch(set.X, derive.Row, derive.Column)
	Y := derive.Batch(set.OneHot(), derive.Row, derive.Column)
	rng := rand.New(rand.NewPCG(r.Seed, 7))
	net := symmetricNet(r.Hidden, r.Act, rng)
	out := &Saddle{Settings: r, Net: net, X: X, Y: Y, Escape: -1}

	start := net.Params(nil)
	out.Symmetric = descend("symmetric start", net, X, Y, start, r)
	out.Point = out.Symmetric.Final
	g := make([]float64, len(start))
	grad := CostGrad(net, X, Y, r.Decay)
	grad(g, out.Point)
	if n := floats.Norm(g, 2); !(n <= r.GradTol) {
		return nil, fmt.Errorf("saddle: the symmetric run ended with ‖∇C‖ = %.3g > %g after %d steps: raise Steps", n, r.GradTol, r.Steps)
	}
	out.Probe = curvature.Probe(grad, out.Point, nil, &curvature.Settings{Seed: r.Seed})

	nudged := append([]float64(nil), start...)
	for i := range nudged {
		nudged[i] += r.Perturb * rng.NormFloat64()
	}
	out.Nudged = descend(fmt.Sprintf("symmetric, nudged by %g", r.Perturb), net, X, Y, nudged, r)
	out.Minimum = curvature.Probe(grad, out.Nudged.Final, nil, &curvature.Settings{Seed: r.Seed})
	saddleCost := out.Symmetric.Cost[len(out.Symmetric.Cost)-1]
	half := (saddleCost + out.Nudged.Cost[len(out.Nudged.Cost)-1]) / 2
	for i, c := range out.Nudged.Cost {
		if c < half {
			out.Escape = out.Nudged.Steps[i]
			break
		}
	}

	random := derive.NewNet(derive.NetSpec{Convention: derive.Column, Sizes: net.Sizes(), Acts: acts(net),
		Cost: derive.Quadratic, Reduction: derive.Mean, Init: derive.NormalScaled}, rng)
	out.Random = descend("random start, N(0,1)/√n_in", net, X, Y, random.Params(nil), r)
	return out, nil
}

func acts(n *derive.Net) []derive.Activation {
	var a []derive.Activation
	for _, l := range n.Layers {
		a = append(a, l.Act)
	}
	return a
}

// symmetricNet is a [2, h, 2] sigmoid net in the column convention whose
// hidden units are copies of one unit drawn from N(0,1): rows of W¹ and
// entries of b¹ equal, columns of W² equal.
func symmetricNet(h int, act derive.Activation, rng *rand.Rand) *derive.Net {
	w1 := []float64{rng.NormFloat64(), rng.NormFloat64()}
	b1 := rng.NormFloat64()
	w2 := []float64{rng.NormFloat64(), rng.NormFloat64()}
	W1, W2 := mat.NewDense(h, 2, nil), mat.NewDense(2, h, nil)
	B1 := make([]float64, h)
	for j := range h {
		W1.SetRow(j, w1)
		B1[j] = b1
		W2.SetCol(j, w2)
	}
	B2 := []float64{rng.NormFloat64(), rng.NormFloat64()}
	return &derive.Net{Convention: derive.Column, Cost: derive.Quadratic, Reduction: derive.Mean,
		Layers: []derive.Layer{{W: W1, B: B1, Act: act}, {W: W2, B: B2, Act: derive.Sigmoid}}}
}

// CostGrad is the gradient of the mean cost of net on X, Y plus the L2
// term (decay/2)·Σw², as a function of θ (curvature.NetGrad with decay).
func CostGrad(net *derive.Net, X, Y *mat.Dense, decay float64) func(dst, θ []float64) {
	return curvature.NetGrad(net, X, Y, decay)
}

// CostAt is the mean cost of net on X, Y plus (decay/2)·Σw² at θ; net's
// own parameters are not changed.
func CostAt(net *derive.Net, X, Y *mat.Dense, decay float64) func(θ []float64) float64 {
	work := net.In(net.Convention)
	return func(θ []float64) float64 {
		work.SetParams(θ)
		c := work.Loss(X, Y)
		if decay != 0 {
			var w2 float64
			for _, l := range work.Layers {
				w2 += floats.Dot(l.W.RawMatrix().Data, l.W.RawMatrix().Data)
			}
			c += decay / 2 * w2
		}
		return c
	}
}

// descend runs r.Steps full-batch steps θ ← θ − η∇C(θ) from θ0.
func descend(name string, net *derive.Net, X, Y *mat.Dense, θ0 []float64, r SaddleSettings) Trajectory {
	work := net.In(net.Convention)
	grad := CostGrad(net, X, Y, r.Decay)
	cost := CostAt(net, X, Y, r.Decay)
	θ := append([]float64(nil), θ0...)
	g := make([]float64, len(θ))
	tr := Trajectory{Name: name}
	record := func(step int) {
		grad(g, θ)
		work.SetParams(θ)
		tr.Steps = append(tr.Steps, step)
		tr.Cost = append(tr.Cost, cost(θ))
		tr.GradNorm = append(tr.GradNorm, floats.Norm(g, 2))
		tr.Accuracy = append(tr.Accuracy, accuracy(work, X, Y))
		tr.Asymmetry = append(tr.Asymmetry, asymmetry(work))
		tr.Thetas = append(tr.Thetas, append([]float64(nil), θ...))
	}
	record(0)
	for step := 1; step <= r.Steps; step++ {
		grad(g, θ)
		floats.AddScaled(θ, -r.Eta, g)
		if step%r.Every == 0 || step == r.Steps {
			record(step)
		}
	}
	tr.Final = θ
	return tr
}

// accuracy is the fraction of columns of X whose largest output is the
// class of Y's column (column convention).
func accuracy(net *derive.Net, X, Y *mat.Dense) float64 {
	_, A := net.Forward(X)
	out := A[len(A)-1]
	_, m := out.Dims()
	right := 0
	for j := range m {
		if argmax(mat.Col(nil, j, out)) == argmax(mat.Col(nil, j, Y)) {
			right++
		}
	}
	return float64(right) / float64(m)
}

func argmax(v []float64) int {
	k := 0
	for i := range v {
		if v[i] > v[k] {
			k = i
		}
	}
	return k
}

// asymmetry is the largest difference between hidden units' parameters
// of a two-layer column-convention net.
func asymmetry(net *derive.Net) float64 {
	W1, W2, b1 := net.Layers[0].W, net.Layers[1].W, net.Layers[0].B
	h, _ := W1.Dims()
	var d float64
	for j := 1; j < h; j++ {
		d = math.Max(d, math.Abs(b1[j]-b1[0]))
		for k := range 2 {
			d = math.Max(d, math.Abs(W1.At(j, k)-W1.At(0, k)))
		}
		for k := range 2 {
			d = math.Max(d, math.Abs(W2.At(k, j)-W2.At(k, 0)))
		}
	}
	return d
}

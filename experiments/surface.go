package experiments

import (
	"math"
	"math/rand/v2"

	"github.com/backproof/backproof/curvature"
	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"gonum.org/v1/gonum/mat"
)

// Point is a point of a cost surface with what is needed to probe and
// slice it: the net (whose parameters are the point), the batch the cost
// averages over, and the L2 decay of the cost.
type Point struct {
	Name  string
	Net   *derive.Net
	X, Y  *mat.Dense // laid out for Net's convention
	Decay float64
	Probe *curvature.Result // nil until Probe is called
}

// Theta is the point's parameters, in the order of derive.Net.Params.
func (p *Point) Theta() []float64 { return p.Net.Params(nil) }

// Cost is the mean cost plus (Decay/2)·Σw² at θ.
func (p *Point) Cost() func(θ []float64) float64 { return CostAt(p.Net, p.X, p.Y, p.Decay) }

// ProbeWith probes the point (curvature.Probe with each layer a block) with the
// settings s, keeps the report in p.Probe and returns it.
func (p *Point) ProbeWith(s *curvature.Settings) *curvature.Result {
	p.Probe = curvature.ProbeNet(p.Net, p.X, p.Y, p.Decay, s) // curvature.Probe with CostGrad, faster
	return p.Probe
}

// UniformPlateau is the thread's starting point: Nielsen's [784, 30, 10]
// sigmoid net with the quadratic cost, its weights and biases drawn from
// uniform [0,1), on the first examples of the MNIST training set train. It
// is the same net as train.Run's epoch 0 with Config{Init: "uniform01",
// Seed: seed} (train draws with rand.NewPCG(seed, 0) the same way). Every
// hidden unit has z ≈ Σ of hundreds of positive terms, far past 5, so
// σ′(z) ≈ 0: the first layer neither slopes nor curves.
func UniformPlateau(train *data.Set, examples int, seed uint64) *Point {
	return mnistPoint("uniform [0,1) start (plateau)", derive.Uniform01, train, examples, seed)
}

func mnistPoint(name string, init derive.Init, train *data.Set, examples int, seed uint64) *Point {
	_, inputs := train.X.Dims()
	net := derive.NewNet(derive.NetSpec{Convention: derive.Row, Sizes: []int{inputs, 30, train.Classes},
		Acts: []derive.Activation{derive.Sigmoid, derive.Sigmoid}, Cost: derive.Quadratic, Reduction: derive.Mean,
		Init: init}, rand.New(rand.NewPCG(seed, 0)))
	idx := make([]int, min(examples, train.Len()))
	for i := range idx {
		idx[i] = i
	}
	X, Y := train.Batch(idx)
	return &Point{Name: name, Net: net, X: X, Y: Y}
}

// SliceRise is the rise of a quadratic cost ½λr² at a slice's edge that
// sets each axis's half-width r (see Slice).
const SliceRise = 1e-3

// Slice is a 2-D slice of a cost surface through a point θ along the unit
// Ritz vectors of λmin and λmax:
//
//	ΔC(a, b) = C(θ + a·v_min + b·v_max) − C(θ)
//
// for a in [−Ra, Ra] and b in [−Rb, Rb], each half-width r = √(2·SliceRise/|λ|)
// (clamped to [1e-3, 3]): a quadratic surface rises or falls by SliceRise at
// the edge, so a bowl, a saddle and a flat plateau each show their shape on
// axes scaled to their own curvature.
type Slice struct {
	Name                 string
	Kind                 curvature.Kind
	Summary              string // the probe's kinds, whole net and blocks (curvature.Result.Summary)
	GradNorm             float64
	LambdaMin, LambdaMax float64
	C0                   float64   // C(θ)
	A, B                 []float64 // the offsets along v_min and v_max
	Delta                [][]float64
}

// SliceAt slices the surface of cost at θ along the extreme Ritz vectors of
// the probe rep, on an n × n grid.
func SliceAt(name string, cost func([]float64) float64, θ []float64, rep *curvature.Result, n int) Slice {
	s := Slice{Name: name, Kind: rep.Kind, Summary: rep.Summary(), GradNorm: rep.GradNorm, LambdaMin: rep.LambdaMin, LambdaMax: rep.LambdaMax, C0: cost(θ)}
	half := func(λ float64) float64 {
		r := math.Sqrt(2 * SliceRise / math.Abs(λ))
		if math.IsNaN(r) || r > 3 {
			return 3
		}
		return math.Max(r, 1e-3)
	}
	s.A, s.B = grid(half(rep.LambdaMin), n), grid(half(rep.LambdaMax), n)
	at := make([]float64, len(θ))
	s.Delta = make([][]float64, n)
	for i, a := range s.A {
		s.Delta[i] = make([]float64, n)
		for j, b := range s.B {
			for k := range θ {
				at[k] = θ[k] + a*rep.MinVector[k] + b*rep.MaxVector[k]
			}
			s.Delta[i][j] = cost(at) - s.C0
		}
	}
	return s
}

// grid is n evenly spaced points from −r to r.
func grid(r float64, n int) []float64 {
	g := make([]float64, n)
	for i := range g {
		g[i] = -r + 2*r*float64(i)/float64(n-1)
	}
	return g
}

package derive

import (
	"math"
	"math/rand/v2"

	"github.com/backproof/backproof/internal/printf"
	"gonum.org/v1/gonum/mat"
)

// Init is a way to draw the initial weights and biases.
type Init int

const (
	Normal       Init = iota // W, b ~ N(0,1): Nielsen, chapter 1
	NormalScaled             // W ~ N(0,1)/√n_in, b ~ N(0,1): Nielsen, chapter 3
	Uniform01                // W, b ~ U[0,1): the thread's first attempt, every sigmoid saturates
	UniformHalf              // W, b ~ U[−0.5,0.5): the thread's final version
	Uniform1                 // W, b ~ U[−1,1)
	Xavier                   // W ~ U(±√(6/(n_in+n_out))), b = 0: Glorot and Bengio
	He                       // W ~ N(0, 2/n_in), b = 0: He et al., for relu
)

// Inits lists every init.
var Inits = []Init{Normal, NormalScaled, Uniform01, UniformHalf, Uniform1, Xavier, He}

var initNames = []string{"normal", "normal-scaled", "uniform01", "uniform-half", "uniform-1", "xavier", "he"}

func (in Init) String() string { return nameOf(initNames, int(in), "init") }

// ParseInit returns the init named s.
func ParseInit(s string) (Init, error) {
	return parseName("init", Inits, initNames, s)
}

func (in Init) weight(rng *rand.Rand, nIn, nOut int) float64 {
	switch in {
	case Normal:
		return rng.NormFloat64()
	case NormalScaled:
		return rng.NormFloat64() / math.Sqrt(float64(nIn))
	case Uniform01:
		return rng.Float64()
	case UniformHalf:
		return rng.Float64() - 0.5
	case Uniform1:
		return 2*rng.Float64() - 1
	case Xavier:
		r := math.Sqrt(6 / float64(nIn+nOut))
		return r * (2*rng.Float64() - 1)
	case He:
		return rng.NormFloat64() * math.Sqrt(2/float64(nIn))
	}
	panic("derive: unknown init " + in.String())
}

func (in Init) bias(rng *rand.Rand) float64 {
	switch in {
	case Normal, NormalScaled:
		return rng.NormFloat64()
	case Xavier, He:
		return 0
	}
	return in.weight(rng, 1, 1)
}

// NetSpec describes a network to draw: its convention, layer sizes
// n₀, n₁, …, n_L, one activation per layer 1..L (see Acts for the
// short forms the command line takes), its cost and reduction, and the init
// of its parameters. The zero value of each named field is the first of its
// list: Row, Quadratic, Mean, Normal.
type NetSpec struct {
	Convention Convention
	Sizes      []int
	Acts       []Activation
	Cost       Cost
	Reduction  Reduction
	Init       Init
}

// Validate checks what every command asks of a network before it is built,
// so that check, formula, train and curvature accept and refuse the same
// ones: at least two sizes, each at least 1; one activation per layer;
// softmax only on the output layer and only over two or more outputs (over
// one, a = e^z/e^z = 1 whatever the parameters, so C is constant and every
// gradient is 0: a check would pass and training would learn nothing); and
// an output layer the cost can take: cross-entropy and log-likelihood take
// logarithms of the outputs, so those must lie in (0,1), sigmoid or softmax.
// Errors name the layer; callers add the flag or file.
func (s NetSpec) Validate() error {
	if len(s.Sizes) < 2 {
		return printf.Errorf("a network needs at least an input and an output size, got %d size(s)", len(s.Sizes))
	}
	for i, n := range s.Sizes {
		if n < 1 {
			return printf.Errorf("layer size n%d = %d: every size must be at least 1", i, n)
		}
	}
	L := len(s.Sizes) - 1
	if len(s.Acts) != L {
		return printf.Errorf("%d activations for %d layers: want one per layer", len(s.Acts), L)
	}
	for i, a := range s.Acts {
		if _, err := a.MarshalText(); err != nil {
			return err
		}
		if !a.Elementwise() && i < L-1 {
			return printf.Errorf("%v on hidden layer %d: %v is only allowed on the output layer", a, i+1, a)
		}
	}
	for _, v := range []interface{ MarshalText() ([]byte, error) }{s.Convention, s.Cost, s.Reduction, s.Init} {
		if _, err := v.MarshalText(); err != nil {
			return err
		}
	}
	out := s.Acts[L-1]
	if !out.Elementwise() && s.Sizes[L] < 2 {
		return printf.Errorf("softmax over 1 output: a = e^z/e^z is always 1, so the cost does not depend on the parameters; use sigmoid for one output, or 2 or more outputs")
	}
	if s.Cost.UnitOutputs() && !out.UnitOutputs() {
		return printf.Errorf("%v needs outputs in (0,1) to take logarithms: use %s output layer, not %v", s.Cost, UnitOutputNames(), out)
	}
	return nil
}

// NewNet draws a network from s with rng. The draws are made in the column
// layout, W^ℓ row by row then b^ℓ, and transposed for Row, so one seed
// gives the same network in every convention. A spec whose activations do
// not number one per layer is a programmer error and panics: user input is
// validated before (problem.Spec, train.Config).
func NewNet(s NetSpec, rng *rand.Rand) *Net {
	if len(s.Acts) != len(s.Sizes)-1 {
		panic("derive: NewNet needs one activation per layer")
	}
	n := &Net{Convention: Column, Cost: s.Cost, Reduction: s.Reduction}
	for ℓ := 1; ℓ < len(s.Sizes); ℓ++ {
		nIn, nOut := s.Sizes[ℓ-1], s.Sizes[ℓ]
		W := mat.NewDense(nOut, nIn, nil)
		for j := 0; j < nOut; j++ {
			for k := 0; k < nIn; k++ {
				W.Set(j, k, s.Init.weight(rng, nIn, nOut))
			}
		}
		b := make([]float64, nOut)
		for j := range b {
			b[j] = s.Init.bias(rng)
		}
		n.Layers = append(n.Layers, Layer{W: W, B: b, Act: s.Acts[ℓ-1]})
	}
	if s.Convention == Column {
		return n
	}
	return n.In(s.Convention)
}

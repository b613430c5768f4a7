package derive

import (
	"math"
	"math/rand/v2"

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
	i, err := parseName("init", initNames, s)
	return Init(i), err
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

// NewNet draws a network with layer sizes n₀…n_L (acts has one activation
// per layer 1..L). The draws are made in the column layout, W^ℓ row by row
// then b^ℓ, and transposed for Row, so one seed gives the same network in
// every convention.
func NewNet(c Convention, sizes []int, acts []Activation, cost Cost, r Reduction, in Init, rng *rand.Rand) *Net {
	if len(acts) != len(sizes)-1 {
		panic("derive: NewNet needs one activation per layer")
	}
	n := &Net{Convention: Column, Cost: cost, Reduction: r}
	for ℓ := 1; ℓ < len(sizes); ℓ++ {
		nIn, nOut := sizes[ℓ-1], sizes[ℓ]
		W := mat.NewDense(nOut, nIn, nil)
		for j := 0; j < nOut; j++ {
			for k := 0; k < nIn; k++ {
				W.Set(j, k, in.weight(rng, nIn, nOut))
			}
		}
		b := make([]float64, nOut)
		for j := range b {
			b[j] = in.bias(rng)
		}
		n.Layers = append(n.Layers, Layer{W: W, B: b, Act: acts[ℓ-1]})
	}
	if c == Column {
		return n
	}
	return n.In(c)
}

package problem

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"

	"github.com/backproof/backproof/derive"
	"gonum.org/v1/gonum/mat"
)

// Spec describes a random problem.
type Spec struct {
	Convention derive.Convention
	Sizes      []int               // n₀, n₁, …, n_L
	Batch      int                 // m
	Acts       []derive.Activation // one per layer, or one for all
	Cost       derive.Cost
	Reduction  derive.Reduction
	Init       derive.Init // zero value: normal (N(0,1), as Nielsen ch. 1)
	Seed       uint64
}

// Random draws a problem: parameters from Spec.Init, inputs from N(0,1),
// targets to suit the cost (one-hot for log-likelihood, uniform on [0,1)
// otherwise). Draws are made in the column layout and transposed for the
// row convention, so one seed gives the same problem in every convention.
func Random(s Spec) (*Problem, error) {
	if len(s.Sizes) < 2 {
		return nil, fmt.Errorf("a network needs at least an input and an output size, got %v", s.Sizes)
	}
	for i, n := range s.Sizes {
		if n < 1 {
			return nil, fmt.Errorf("layer size n%d = %d: every size must be at least 1", i, n)
		}
	}
	if s.Batch < 1 {
		return nil, fmt.Errorf("batch size %d: must be at least 1", s.Batch)
	}
	L := len(s.Sizes) - 1
	acts := s.Acts
	if len(acts) == 1 {
		acts = make([]derive.Activation, L)
		for i := range acts {
			acts[i] = s.Acts[0]
		}
	}
	if len(acts) != L {
		return nil, fmt.Errorf("%d activations for %d layers: give one for all or one per layer", len(acts), L)
	}
	for i, a := range acts[:L-1] {
		if a == derive.Softmax {
			return nil, fmt.Errorf("softmax on hidden layer %d: softmax is only allowed on the output layer", i+1)
		}
	}
	switch out := acts[L-1]; s.Cost {
	case derive.CrossEntropy, derive.LogLikelihood:
		if out != derive.Sigmoid && out != derive.Softmax {
			return nil, fmt.Errorf("%v needs outputs in (0,1): use a sigmoid or softmax output layer, not %v", s.Cost, out)
		}
	}
	rng := rand.New(rand.NewPCG(s.Seed, s.Seed^0x9e3779b97f4a7c15))
	net := derive.NewNet(derive.NetSpec{Convention: derive.Column, Sizes: s.Sizes, Acts: acts, Cost: s.Cost, Reduction: s.Reduction, Init: s.Init}, rng)
	X := mat.NewDense(s.Sizes[0], s.Batch, nil)
	for i := range X.RawMatrix().Data {
		X.RawMatrix().Data[i] = rng.NormFloat64()
	}
	out := s.Sizes[L]
	Y := mat.NewDense(out, s.Batch, nil)
	for x := 0; x < s.Batch; x++ {
		if s.Cost == derive.LogLikelihood {
			Y.Set(rng.IntN(out), x, 1)
			continue
		}
		for k := 0; k < out; k++ {
			Y.Set(k, x, rng.Float64())
		}
	}
	c := s.Convention
	return &Problem{Net: net.In(c), X: derive.Batch(X, derive.Column, c), Y: derive.Batch(Y, derive.Column, c)}, nil
}

// MarshalJSON writes the problem in the problem-file format, so a random
// problem can be saved, edited and checked again.
func (p *Problem) MarshalJSON() ([]byte, error) {
	type layer struct {
		Activation string      `json:"activation"`
		W          [][]float64 `json:"W"`
		B          []float64   `json:"b"`
	}
	f := struct {
		Convention string      `json:"convention"`
		Cost       string      `json:"cost"`
		Reduction  string      `json:"reduction"`
		Layers     []layer     `json:"layers"`
		X          [][]float64 `json:"X"`
		Y          [][]float64 `json:"Y"`
	}{Convention: p.Net.Convention.String(), Cost: p.Net.Cost.String(), Reduction: p.Net.Reduction.String(),
		X: Rows(p.X), Y: Rows(p.Y)}
	for _, l := range p.Net.Layers {
		f.Layers = append(f.Layers, layer{Activation: l.Act.String(), W: Rows(l.W), B: l.B})
	}
	return json.Marshal(f)
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

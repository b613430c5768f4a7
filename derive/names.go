package derive

import (
	"fmt"
	"strings"
)

// Convention is a layout of the batch and the parameters (docs/conventions.md).
type Convention int

const (
	// Row is the numpy learner's layout: one example a row, Z = A W + b,
	// W^ℓ is n_{ℓ−1}×n_ℓ. The thread's opening post.
	Row Convention = iota
	// Column is the vectorized layout of Ng's course: one example a
	// column, Z = W A + b, W^ℓ is n_ℓ×n_{ℓ−1}.
	Column
	// PerExample is Nielsen's network.py: column vectors, one example at a
	// time, gradients summed over the mini-batch.
	PerExample
)

// Conventions lists every convention, in the order tables print them.
var Conventions = []Convention{Row, Column, PerExample}

var conventionNames = []string{"row", "column", "per-example"}

func (c Convention) String() string { return nameOf(conventionNames, int(c), "convention") }

// ParseConvention returns the convention named s ("row", "column", "per-example").
func ParseConvention(s string) (Convention, error) {
	i, err := parseName("convention", conventionNames, s)
	return Convention(i), err
}

// ColumnLayout reports whether W^ℓ is n_ℓ×n_{ℓ−1} and examples are columns.
func (c Convention) ColumnLayout() bool { return c != Row }

// Activation is a layer's activation function f.
type Activation int

const (
	Sigmoid Activation = iota
	Tanh
	ReLU
	LeakyReLU // slope 0.01 for z < 0
	Softplus
	Identity
	// Softmax is not elementwise: a_k = e^{z_k} / Σ_j e^{z_j} over one
	// example's outputs. Only allowed on the output layer.
	Softmax
)

// Activations lists every activation.
var Activations = []Activation{Sigmoid, Tanh, ReLU, LeakyReLU, Softplus, Identity, Softmax}

var activationNames = []string{"sigmoid", "tanh", "relu", "leaky-relu", "softplus", "identity", "softmax"}

func (a Activation) String() string { return nameOf(activationNames, int(a), "activation") }

// ParseActivation returns the activation named s.
func ParseActivation(s string) (Activation, error) {
	i, err := parseName("activation", activationNames, s)
	return Activation(i), err
}

// Elementwise reports whether f acts on each z separately, so that f′ is a
// diagonal Jacobian and the Hadamard form ∇_A C ⊙ f′(Z) is right.
func (a Activation) Elementwise() bool { return a != Softmax }

// Kinked reports whether f′ jumps at z = 0, where finite differences that
// straddle the kink disagree with either one-sided derivative.
func (a Activation) Kinked() bool { return a == ReLU || a == LeakyReLU }

// Cost is the per-example cost C_x, summed over the output units.
type Cost int

const (
	Quadratic     Cost = iota // C_x = ½‖a−y‖²
	SumSquares                // C_x = ‖a−y‖² (no ½)
	CrossEntropy              // C_x = −Σ[y ln a + (1−y) ln(1−a)]
	LogLikelihood             // C_x = −Σ y ln a (with softmax)
)

// Costs lists every cost.
var Costs = []Cost{Quadratic, SumSquares, CrossEntropy, LogLikelihood}

var costNames = []string{"quadratic", "sum-squares", "cross-entropy", "log-likelihood"}

func (c Cost) String() string { return nameOf(costNames, int(c), "cost") }

// ParseCost returns the cost named s.
func ParseCost(s string) (Cost, error) {
	i, err := parseName("cost", costNames, s)
	return Cost(i), err
}

// Reduction is R in C = R · Σ_x C_x: where the thread's 1/m belongs.
type Reduction int

const (
	Sum  Reduction = iota // R = 1
	Mean                  // R = 1/m
)

// Reductions lists both reductions.
var Reductions = []Reduction{Sum, Mean}

var reductionNames = []string{"sum", "mean"}

func (r Reduction) String() string { return nameOf(reductionNames, int(r), "reduction") }

// ParseReduction returns the reduction named s.
func ParseReduction(s string) (Reduction, error) {
	i, err := parseName("reduction", reductionNames, s)
	return Reduction(i), err
}

// Factor is R for a batch of m examples.
func (r Reduction) Factor(m int) float64 {
	if r == Mean {
		return 1 / float64(m)
	}
	return 1
}

func nameOf(names []string, i int, kind string) string {
	if i < 0 || i >= len(names) {
		return fmt.Sprintf("%s(%d)", kind, i)
	}
	return names[i]
}

func parseName(kind string, names []string, s string) (int, error) {
	for i, n := range names {
		if s == n {
			return i, nil
		}
	}
	return 0, fmt.Errorf("unknown %s %q (want one of %s)", kind, s, strings.Join(names, ", "))
}

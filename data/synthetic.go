package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// The synthetic sets are small enough to train in milliseconds, so tests and
// demos can show learning (and failure to learn) without MNIST. Each is a
// pure function of its seed. Example k belongs to class k mod Classes, so
// the classes are balanced to within one example and any prefix (Subset) is
// balanced too; training shuffles anyway.

// newRand returns the generator for seed: a PCG source, small and fast, whose
// whole state comes from the seed, so a seed names one data set.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0)) }

func checkM(name string, m int) {
	if m < 1 {
		panic(fmt.Sprintf("data: %s needs m ≥ 1 examples, got %d", name, m))
	}
}

// XOR returns m points scattered around the corners of the unit square, each
// coordinate with N(0, 0.1²) noise, labelled with the XOR of the corner's
// coordinates: (0,0) and (1,1) are class 0, (0,1) and (1,0) class 1. It is
// the smallest problem no network without a hidden layer can solve.
func XOR(m int, seed uint64) *Set {
	checkM("XOR", m)
	const sigma = 0.1
	r := newRand(seed)
	x := mat.NewDense(m, 2, nil)
	labels := make([]int, m)
	for k := range m {
		// Corners in the order (0,0) (0,1) (1,0) (1,1): labels 0 1 1 0, so
		// every prefix is balanced to within one.
		a, b := (k%4)>>1, (k%4)&1
		x.Set(k, 0, float64(a)+sigma*r.NormFloat64())
		x.Set(k, 1, float64(b)+sigma*r.NormFloat64())
		labels[k] = a ^ b
	}
	return &Set{Name: "xor", X: x, Labels: labels, Classes: 2}
}

// Spirals returns m points on two interleaved spirals in the plane, one a
// class, each turning 1.5 times around the origin from radius 0 to 1, the
// second the first rotated by π, with N(0, 0.03²) noise on each coordinate.
// The boundary between the classes winds, so a net needs hidden units and
// many epochs: a demo of slow training that is not a bug.
func Spirals(m int, seed uint64) *Set {
	checkM("Spirals", m)
	const (
		turns = 1.5
		sigma = 0.03
	)
	r := newRand(seed)
	x := mat.NewDense(m, 2, nil)
	labels := make([]int, m)
	for k := range m {
		c, j := k%2, k/2
		nc := (m - c + 1) / 2 // examples in class c
		t := (float64(j) + 0.5) / float64(nc)
		theta := 2*math.Pi*turns*t + float64(c)*math.Pi
		x.Set(k, 0, t*math.Cos(theta)+sigma*r.NormFloat64())
		x.Set(k, 1, t*math.Sin(theta)+sigma*r.NormFloat64())
		labels[k] = c
	}
	return &Set{Name: "spirals", X: x, Labels: labels, Classes: 2}
}

// Blobs returns m points in dims dimensions from classes isotropic gaussians
// with standard deviation 1, whose centres are drawn uniformly from
// [−10, 10]^dims: scikit-learn's make_blobs defaults, so the sets look like
// the ones in tutorials (not the same numbers: the generators differ).
// Usually separable; centres drawn close together make a harder set, which
// the seed reproduces.
func Blobs(m, classes, dims int, seed uint64) *Set {
	checkM("Blobs", m)
	if classes < 2 || dims < 1 {
		panic(fmt.Sprintf("data: Blobs needs classes ≥ 2 and dims ≥ 1, got %d and %d", classes, dims))
	}
	r := newRand(seed)
	centres := make([]float64, classes*dims)
	for i := range centres {
		centres[i] = -10 + 20*r.Float64()
	}
	x := mat.NewDense(m, dims, nil)
	labels := make([]int, m)
	for k := range m {
		c := k % classes
		row := x.RawRowView(k)
		for d := range row {
			row[d] = centres[c*dims+d] + r.NormFloat64()
		}
		labels[k] = c
	}
	return &Set{Name: "blobs", X: x, Labels: labels, Classes: classes}
}

// syntheticNames lists the names Synthetic accepts, in the order help text
// shows them.
var syntheticNames = []string{"xor", "spirals", "blobs"}

// SyntheticNames returns the names Synthetic accepts, for help text.
func SyntheticNames() []string { return append([]string(nil), syntheticNames...) }

// Synthetic returns the synthetic set called name ("xor", "spirals" or
// "blobs", the last with 3 classes in 2 dimensions) with m examples. It is
// the CLI's entry point, so bad input is an error, not a panic.
func Synthetic(name string, m int, seed uint64) (*Set, error) {
	if m < 1 {
		return nil, fmt.Errorf("synthetic set %s: %d examples, want at least 1", name, m)
	}
	switch name {
	case "xor":
		return XOR(m, seed), nil
	case "spirals":
		return Spirals(m, seed), nil
	case "blobs":
		return Blobs(m, 3, 2, seed), nil
	}
	return nil, fmt.Errorf("unknown synthetic set %q (valid: %s)", name, strings.Join(syntheticNames, ", "))
}

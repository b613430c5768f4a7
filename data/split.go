package data

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/backproof/backproof/budget"
	"gonum.org/v1/gonum/mat"
)

// splitNames name the parts Split returns, in order.
var splitNames = []string{"train", "validation", "test"}

// Split shuffles set's examples (seeded) and cuts them into up to three
// parts of the given sizes, named train, validation and test after set's
// name ("xor-train"). A synthetic generator lays its examples out in order
// (along a spiral, class by class), so a cut without the shuffle would give
// each part a different region. The parts share no memory with set. The
// sizes must be positive and add up to at most set.Len().
func Split(set *Set, seed uint64, sizes ...int) ([]*Set, error) {
	if len(sizes) > len(splitNames) {
		return nil, fmt.Errorf("split of %s into %d parts: at most %d (train, validation, test)", set.Name, len(sizes), len(splitNames))
	}
	total := 0
	for _, n := range sizes {
		if n < 1 || n > set.Len()-total {
			return nil, fmt.Errorf("split of %s (%d examples) into parts of %v: each part needs at least 1 example and together at most %d",
				set.Name, set.Len(), sizes, set.Len())
		}
		total += n
	}
	order := rand.New(rand.NewPCG(seed, 2)).Perm(set.Len())
	_, c := set.X.Dims()
	parts := make([]*Set, 0, len(sizes))
	at := 0
	for p, n := range sizes {
		x := mat.NewDense(n, c, nil)
		labels := make([]int, n)
		for k := range n {
			i := order[at+k]
			copy(x.RawRowView(k), set.X.RawRowView(i))
			labels[k] = set.Labels[i]
		}
		at += n
		parts = append(parts, &Set{Name: set.Name + "-" + splitNames[p], X: x, Labels: labels, Classes: set.Classes})
	}
	return parts, nil
}

// syntheticDims is the number of inputs of every synthetic set: points in
// the plane.
const syntheticDims = 2

// SyntheticMemory is what Synthetic holds for m examples: two float64
// coordinates and an int label each.
func SyntheticMemory(m int) budget.Bytes {
	return budget.Floats(m, syntheticDims+1)
}

// SyntheticSplit draws the synthetic set name with train+2·held examples
// and splits it (Split) into train, validation and test parts of train,
// held and held examples. The memory of the set and of its parts is
// checked against limit (0: budget.Default) before anything is drawn.
func SyntheticSplit(name string, train, held int, seed uint64, limit budget.Bytes) (tr, va, te *Set, err error) {
	if train < 1 || held < 1 {
		return nil, nil, nil, fmt.Errorf("synthetic set %s: %d training and %d held-out examples, want at least 1 of each", name, train, held)
	}
	if !slices.Contains(syntheticNames, name) {
		return nil, nil, nil, fmt.Errorf("unknown synthetic set %q (valid: %s)", name, strings.Join(syntheticNames, ", "))
	}
	m := train + 2*held
	if m < train { // overflow
		m = int(^uint(0) >> 1)
	}
	what := fmt.Sprintf("the synthetic set %s with %d examples", name, m)
	if err := budget.Check(what, SyntheticMemory(m).Times(2), limit); err != nil {
		return nil, nil, nil, err
	}
	all, err := Synthetic(name, m, seed)
	if err != nil {
		return nil, nil, nil, err
	}
	parts, err := Split(all, seed, train, held, held)
	if err != nil {
		return nil, nil, nil, err
	}
	return parts[0], parts[1], parts[2], nil
}

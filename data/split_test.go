package data

import (
	"runtime"
	"testing"

	"github.com/backproof/backproof/budget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// numbered is a set whose example i has inputs (i, −i) and label i mod 3,
// so every example can be recognised after a shuffle.
func numbered(n int) *Set {
	x := mat.NewDense(n, 2, nil)
	labels := make([]int, n)
	for i := range n {
		x.Set(i, 0, float64(i))
		x.Set(i, 1, -float64(i))
		labels[i] = i % 3
	}
	return &Set{Name: "num", X: x, Labels: labels, Classes: 3}
}

func TestSplit(t *testing.T) {
	set := numbered(20)
	parts, err := Split(set, 7, 10, 5, 4)
	require.NoError(t, err)
	require.Len(t, parts, 3)
	seen := map[int]bool{}
	for p, want := range []struct {
		name string
		n    int
	}{{"num-train", 10}, {"num-validation", 5}, {"num-test", 4}} {
		s := parts[p]
		assert.Equal(t, want.name, s.Name)
		require.Equal(t, want.n, s.Len())
		assert.Equal(t, 3, s.Classes)
		for k := range s.Len() {
			i := int(s.X.At(k, 0))
			assert.Equal(t, -float64(i), s.X.At(k, 1), "a row moves whole")
			assert.Equal(t, i%3, s.Labels[k], "with its label")
			assert.False(t, seen[i], "example %d in two parts", i)
			seen[i] = true
		}
	}
	assert.Len(t, seen, 19, "one example left out")

	// The parts are shuffled (a cut of the first 10 would be 0..9), the
	// same for the same seed, and share no memory with the set.
	first := make([]int, 10)
	for k := range first {
		first[k] = int(parts[0].X.At(k, 0))
	}
	assert.NotEqual(t, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, first)
	again, err := Split(set, 7, 10, 5, 4)
	require.NoError(t, err)
	assert.Equal(t, parts[0].X.RawMatrix().Data, again[0].X.RawMatrix().Data)
	parts[0].X.Set(0, 0, 1e9)
	assert.NotEqual(t, 1e9, set.X.At(first[0], 0))

	for _, sizes := range [][]int{{21}, {10, 11}, {0, 5}, {-1}, {1, 1, 1, 1}} {
		_, err := Split(set, 7, sizes...)
		assert.Error(t, err, "%v", sizes)
	}
}

// A synthetic set too large for the limit is refused before it is drawn.
func TestSyntheticSplitRefusesBeforeAllocating(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, _, _, err := SyntheticSplit("xor", 1000000000, 500, 1, 0)
	runtime.ReadMemStats(&after)
	var be *budget.Error
	require.ErrorAs(t, err, &be)
	// 10⁹ + 1000 examples, 3 numbers each (two coordinates and a label),
	// twice: the set and its parts.
	assert.Equal(t, budget.Bytes(2*8*3*(1000000000+1000)), be.Need)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<10))

	tr, va, te, err := SyntheticSplit("spirals", 100, 20, 1, 0)
	require.NoError(t, err)
	assert.Equal(t, []int{100, 20, 20}, []int{tr.Len(), va.Len(), te.Len()})
	assert.Equal(t, "spirals-train", tr.Name)

	_, _, _, err = SyntheticSplit("moons", 100, 20, 1, 0)
	assert.ErrorContains(t, err, `unknown synthetic set "moons"`)
	_, _, _, err = SyntheticSplit("xor", 0, 20, 1, 0)
	assert.Error(t, err)
}

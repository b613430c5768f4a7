package data

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// generators are the synthetic sets at the sizes the tests use, with the
// input dimension and class count each must have.
var generators = []struct {
	name    string
	gen     func(m int, seed uint64) *Set
	dims    int
	classes int
}{
	{"xor", XOR, 2, 2},
	{"spirals", Spirals, 2, 2},
	{"blobs", func(m int, seed uint64) *Set { return Blobs(m, 3, 2, seed) }, 2, 3},
	{"blobs-5x7", func(m int, seed uint64) *Set { return Blobs(m, 5, 7, seed) }, 7, 5},
}

func TestSyntheticShapesAndBalance(t *testing.T) {
	for _, g := range generators {
		for _, m := range []int{1, 2, 7, 100, 101} {
			t.Run(fmt.Sprintf("%s/m=%d", g.name, m), func(t *testing.T) {
				s := g.gen(m, 42)
				r, c := s.X.Dims()
				require.Equal(t, m, r)
				require.Equal(t, g.dims, c)
				require.Len(t, s.Labels, m)
				require.Equal(t, g.classes, s.Classes)

				counts := make([]int, s.Classes)
				for _, l := range s.Labels {
					require.True(t, 0 <= l && l < s.Classes, "label %d", l)
					counts[l]++
				}
				// Balanced to within one example, for every m.
				lo, hi := counts[0], counts[0]
				for _, n := range counts {
					lo, hi = min(lo, n), max(hi, n)
				}
				assert.LessOrEqual(t, hi-lo, 1, "class counts %v", counts)
			})
		}
	}
}

func TestSyntheticSeeds(t *testing.T) {
	for _, g := range generators {
		t.Run(g.name, func(t *testing.T) {
			a, b, c := g.gen(200, 7), g.gen(200, 7), g.gen(200, 8)
			assert.True(t, mat.Equal(a.X, b.X), "same seed, same inputs")
			assert.Equal(t, a.Labels, b.Labels)
			assert.False(t, mat.Equal(a.X, c.X), "different seeds, different inputs")
		})
	}
}

// TestXORCorners checks each point lies near the corner its label says: with
// noise σ = 0.1, no coordinate of 400 points strays 0.5 (5σ) from its corner,
// so rounding recovers the corner and its XOR.
func TestXORCorners(t *testing.T) {
	s := XOR(400, 3)
	for i, l := range s.Labels {
		a, b := s.X.At(i, 0), s.X.At(i, 1)
		ra, rb := int(math.Round(a)), int(math.Round(b))
		require.True(t, (ra == 0 || ra == 1) && (rb == 0 || rb == 1), "point %d (%.2f, %.2f) far from the corners", i, a, b)
		assert.Equal(t, l, ra^rb, "point %d (%.2f, %.2f)", i, a, b)
	}
}

// TestSpiralsInterleave checks the two classes wind around each other: each
// point lies within noise of radius t ∈ (0, 1), and the two classes' points
// at the same position along their spirals are mirror images through the origin.
func TestSpiralsInterleave(t *testing.T) {
	s := Spirals(1000, 5)
	for i := 0; i+1 < s.Len(); i += 2 {
		x0, y0 := s.X.At(i, 0), s.X.At(i, 1)
		x1, y1 := s.X.At(i+1, 0), s.X.At(i+1, 1)
		// Noise σ = 0.03 on each of four coordinates: 0.25 is over 8σ.
		assert.InDelta(t, 0, x0+x1, 0.25, "pair %d", i)
		assert.InDelta(t, 0, y0+y1, 0.25, "pair %d", i)
	}
}

func TestSyntheticByName(t *testing.T) {
	for _, name := range SyntheticNames() {
		s, err := Synthetic(name, 30, 1)
		require.NoError(t, err, name)
		assert.Equal(t, name, s.Name)
		assert.Equal(t, 30, s.Len())
	}
	s, err := Synthetic("blobs", 30, 1)
	require.NoError(t, err)
	assert.Equal(t, 3, s.Classes)
	_, c := s.X.Dims()
	assert.Equal(t, 2, c)

	_, err = Synthetic("moons", 30, 1)
	require.Error(t, err)
	assert.Equal(t, `unknown synthetic set "moons" (valid: xor, spirals, blobs)`, err.Error())

	_, err = Synthetic("xor", 0, 1)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "0 examples, want at least 1")
}

package numgrad

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNetEntries: a sample of entries, in any order and with repeats, gets
// the numbers the generic path (Gradient, or ComplexGradient for the
// complex step) gives for those entries, to the fast path's tolerance, by
// every method; the network and the batch are left as they were.
func TestNetEntries(t *testing.T) {
	const eps = 0x1p-52
	for ci, c := range netCases(t) {
		θ := c.p.Net.Params(nil)
		// Every third entry from the last down, and the first twice.
		var entries []int
		for i := len(θ) - 1; i >= 0; i -= 3 {
			entries = append(entries, i)
		}
		entries = append(entries, 0, 0)
		X, Y := c.p.X.RawMatrix().Data, c.p.Y.RawMatrix().Data
		x0, y0 := append([]float64(nil), X...), append([]float64(nil), Y...)
		for mi, m := range Methods {
			if (ci+mi)%3 != 0 { // a third of the cases × methods: the generic path is slow
				continue
			}
			s := &Settings{Method: m, Concurrent: ci%2 == 0}
			dst := make([]float64, len(entries))
			for k := range dst {
				dst[k] = math.NaN()
			}
			got := NetEntries(dst, entries, c.p.Net, c.p.X, c.p.Y, s)
			require.Equal(t, &dst[0], &got[0], "fills dst")
			var want []float64
			unit := eps * math.Max(1, math.Abs(c.p.Net.Loss(c.p.X, c.p.Y)))
			if m == ComplexStep {
				loss := func(θ []complex128) complex128 { return c.p.Net.ComplexLoss(θ, c.p.X, c.p.Y) }
				want = ComplexGradient(nil, loss, θ, 0)
				unit = eps * maxAbs(want) * complexFloor
			} else {
				want = Gradient(nil, genericLoss(c.p), θ, s)
				unit *= stencilScale(m, m.DefaultStep())
			}
			for k, i := range entries {
				require.LessOrEqual(t, math.Abs(got[k]-want[i]), fastTol*unit, "%s %v entry %d", c.name, m, i)
			}
		}
		assert.Equal(t, θ, c.p.Net.Params(nil), "%s: the network is unchanged", c.name)
		assert.Equal(t, x0, X, "%s: X is unchanged", c.name)
		assert.Equal(t, y0, Y, "%s: Y is unchanged", c.name)
	}
	p := netCases(t)[0].p
	assert.Panics(t, func() { NetEntries(nil, []int{-1}, p.Net, p.X, p.Y, nil) })
	assert.Panics(t, func() { NetEntries(make([]float64, 2), []int{0}, p.Net, p.X, p.Y, nil) })
}

func maxAbs(v []float64) float64 {
	var m float64
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// TestEntriesReused: one forward pass answers many calls, from several
// goroutines at once, with the numbers NetEntries gives each time.
func TestEntriesReused(t *testing.T) {
	p := netCases(t)[1].p
	entries := []int{0, 3, 7, 2}
	e := NewEntries(p.Net, p.X, p.Y)
	want := map[Method][]float64{}
	for _, m := range Methods {
		want[m] = NetEntries(nil, entries, p.Net, p.X, p.Y, &Settings{Method: m})
	}
	done := make(chan struct{})
	for _, m := range Methods {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 3 {
				assert.Equal(t, want[m], e.At(nil, entries, &Settings{Method: m, Concurrent: true}), "%v", m)
			}
		}()
	}
	for range Methods {
		<-done
	}
}

package train

import (
	"fmt"
	"sync"
	"testing"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Runs given one Inputs record what runs without it record, to the bit:
// side by side, on one core and on two, on all of a set and on its first
// TrainSize examples (which read the first rows of the set's list), in
// every convention; and they read one list per set, made once.
func TestInputsShared(t *testing.T) {
	type run struct {
		name string
		cfg  Config
	}
	var runs []run
	for _, c := range derive.Conventions {
		runs = append(runs, run{c.String(), Config{Net: []int{2, 6, 3}, Convention: c, Eta: 1, Epochs: 3, Cores: 1}})
	}
	runs = append(runs,
		run{"two cores", Config{Net: []int{2, 6, 3}, Eta: 1, Epochs: 3, Cores: 2}},
		run{"train size", Config{Net: []int{2, 6, 3}, Eta: 1, Epochs: 3, TrainSize: 70, Cores: 1}},
		run{"no training", Config{Net: []int{2, 6, 3}, Epochs: NoTraining, TrainSize: 90, Cores: 1}},
		run{"skip training set", Config{Net: []int{2, 6, 3}, Epochs: 2, SkipTrainingSet: true, Cores: 1}})
	tr, va, te := blobs(t, 150, 1), blobs(t, 40, 2), blobs(t, 60, 3)

	want := make([]*History, len(runs))
	for i, r := range runs {
		h, err := Run(r.cfg, tr, va, te, nil)
		require.NoError(t, err, r.name)
		want[i] = h
	}
	in := NewInputs()
	got := make([]*History, len(runs))
	var wg sync.WaitGroup
	for i, r := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cfg := r.cfg
			cfg.Inputs = in
			h, err := Run(cfg, tr, va, te, nil)
			assert.NoError(t, err, r.name)
			got[i] = h
		}()
	}
	wg.Wait()
	for i, r := range runs {
		require.NotNil(t, got[i], r.name)
		assert.Nil(t, got[i].Config.Inputs, "%s: History.Config keeps no Inputs", r.name)
		require.Len(t, got[i].Epochs, len(want[i].Epochs), r.name)
		for k := range want[i].Epochs {
			g, w := got[i].Epochs[k], want[i].Epochs[k]
			g.Seconds, w.Seconds = 0, 0
			// %v writes every float64 exactly, NaN as NaN.
			assert.Equal(t, fmt.Sprintf("%v", w), fmt.Sprintf("%v", g), "%s epoch %d", r.name, k)
		}
	}
	// One list for each of the three sets: the TrainSize runs read the
	// training set's, not a list of their own.
	in.mu.Lock()
	defer in.mu.Unlock()
	assert.Len(t, in.sets, 3)
	for _, s := range []*data.Set{tr, va, te} {
		require.Contains(t, in.sets, s)
		assert.Equal(t, s.Len(), len(in.sets[s].rows.start)-1, s.Name)
	}
}

// A prefix of a set's rows is the rows of the set's first examples, as
// listed from them alone.
func TestSparsePrefix(t *testing.T) {
	set := blobs(t, 50, 4)
	all := newSparseRows(set.X)
	for _, n := range []int{1, 17, 50} {
		want := newSparseRows(set.Subset(n).X)
		got := all.prefix(n)
		require.Equal(t, len(want.start), len(got.start), n)
		for i := range n {
			wc, wv := want.row(i)
			gc, gv := got.row(i)
			assert.Equal(t, wc, gc, "row %d of %d", i, n)
			assert.Equal(t, wv, gv, "row %d of %d", i, n)
		}
		assert.GreaterOrEqual(t, got.maxAbs, want.maxAbs, "a bound on the prefix's entries")
	}
}

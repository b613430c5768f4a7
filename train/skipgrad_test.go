package train

import (
	"fmt"
	"math"
	"testing"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A run that measures the training set without its gradient records what
// a run that measures it all records, to the bit, but the gradient: the
// training cost, accuracy, units and classes come from the same forward
// pass. In every convention, measured in line and behind the training.
func TestSkipTrainingGradient(t *testing.T) {
	train, val, test := blobs(t, 90, 1), blobs(t, 30, 2), blobs(t, 30, 3)
	for _, c := range derive.Conventions {
		for _, cores := range []int{1, 2} {
			name := fmt.Sprintf("%s, %d cores", c, cores)
			cfg := Config{Net: []int{2, 5, 3}, Convention: c, Batch: 7, Epochs: 3, Eta: 0.5, Seed: 4, Cores: cores}
			all, err := Run(cfg, train, val, test, nil)
			require.NoError(t, err, name)
			cfg.SkipTrainingGradient = true
			some, err := Run(cfg, train, val, test, nil)
			require.NoError(t, err, name)
			require.Len(t, some.Epochs, len(all.Epochs), name)
			for i, e := range some.Epochs {
				a := all.Epochs[i]
				assert.Empty(t, e.GradNorm, "%s epoch %d", name, i)
				assert.True(t, math.IsNaN(float64(e.GradTotal)), "%s epoch %d", name, i)
				require.NotEmpty(t, a.GradNorm, name)
				assert.False(t, math.IsNaN(float64(e.TrainCost)), "%s epoch %d", name, i)
				a.GradNorm, a.GradTotal, a.Seconds = nil, e.GradTotal, 0
				e.Seconds = 0
				// %v writes every float64 exactly, NaN as NaN.
				assert.Equal(t, fmt.Sprintf("%v", a), fmt.Sprintf("%v", e), "%s epoch %d", name, i)
			}
			assert.True(t, some.Config.SkipTrainingGradient, name)
		}
	}
	cfg := Config{Net: []int{2, 5, 3}, Epochs: 1, SkipTrainingGradient: true, GradTol: 1e-3}
	_, err := Run(cfg, train, nil, test, nil)
	assert.ErrorContains(t, err, "grad tol")
}

// A run that measures the training set at its ends records, at epoch 0
// and at its last epoch, what a run that measures it after every epoch
// records there, to the bit, and between them the other sets alone: in
// every convention, in line and behind the training, with and without
// the gradient, and where a divergence ends the run (its last epoch is
// the last before the divergence, measured from the parameters kept).
func TestTrainingSetAtEnds(t *testing.T) {
	type run struct {
		name string
		cfg  Config
		tr   *data.Set
	}
	blob, val, test := blobs(t, 90, 1), blobs(t, 30, 2), blobs(t, 30, 3)
	var runs []run
	for _, c := range derive.Conventions {
		for _, cores := range []int{1, 2} {
			runs = append(runs, run{fmt.Sprintf("%s, %d cores", c, cores),
				Config{Net: []int{2, 5, 3}, Convention: c, Batch: 7, Epochs: 4, Eta: 0.5, Seed: 4, Cores: cores}, blob})
		}
	}
	runs = append(runs, run{"without the gradient", Config{Net: []int{2, 5, 3}, Epochs: 3, SkipTrainingGradient: true, Cores: 1}, blob})
	for _, cores := range []int{1, 2} {
		runs = append(runs, run{fmt.Sprintf("diverged, %d cores", cores),
			Config{Net: []int{2, 20, 3}, Lambda: 5e13, Batch: 50, Epochs: 8, Cores: cores}, blobs(t, 500, 5)})
	}
	for _, r := range runs {
		all, err := Run(r.cfg, r.tr, val, test, nil)
		require.NoError(t, err, r.name)
		cfg := r.cfg
		cfg.TrainingSetAtEnds = true
		ends, err := Run(cfg, r.tr, val, test, nil)
		require.NoError(t, err, r.name)
		require.Equal(t, all.Stopped, ends.Stopped, r.name)
		require.Len(t, ends.Epochs, len(all.Epochs), r.name)
		require.GreaterOrEqual(t, len(all.Epochs), 3, "%s: epochs between the ends", r.name)
		last := len(all.Epochs) - 1
		for i, e := range ends.Epochs {
			a := all.Epochs[i]
			a.Seconds, e.Seconds = 0, 0
			if i > 0 && i < last {
				assert.True(t, math.IsNaN(float64(e.TrainCost)) && math.IsNaN(float64(e.GradTotal)), "%s epoch %d", r.name, i)
				assert.Empty(t, e.GradNorm, "%s epoch %d", r.name, i)
				assert.Zero(t, e.DistinctPredictions, "%s epoch %d", r.name, i)
				assert.Equal(t, a.TestCost, e.TestCost, "%s epoch %d", r.name, i)
				assert.Equal(t, a.ValidationAccuracy, e.ValidationAccuracy, "%s epoch %d", r.name, i)
				continue
			}
			// %v writes every float64 exactly, NaN as NaN.
			assert.Equal(t, fmt.Sprintf("%v", a), fmt.Sprintf("%v", e), "%s epoch %d", r.name, i)
		}
	}
	_, err := Run(Config{Net: []int{2, 5, 3}, Epochs: 1, TrainingSetAtEnds: true, GradTol: 1e-3}, blob, nil, test, nil)
	assert.ErrorContains(t, err, "grad tol")
}

package train

import (
	"fmt"
	"math"
	"testing"

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

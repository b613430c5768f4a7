package train

import (
	"encoding/json"
	"math"
	"runtime"
	"testing"

	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/derive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mustActs reads an activation list in a test, as the --act flag does.
func mustActs(s string) derive.Acts {
	a, err := derive.ParseActs(s)
	if err != nil {
		panic(err)
	}
	return a
}

// The record writes the typed choices by name, the words of the CLI, and a
// record read back gives the same Config.
func TestConfigJSONNames(t *testing.T) {
	cfg := Config{Net: []int{2, 4, 3}, Act: mustActs("relu,softmax"), Cost: derive.LogLikelihood,
		Reduction: derive.Sum, Convention: derive.PerExample, Init: derive.Xavier}
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	assert.Equal(t, "relu,softmax", m["act"])
	assert.Equal(t, "log-likelihood", m["cost"])
	assert.Equal(t, "sum", m["reduction"])
	assert.Equal(t, "per-example", m["convention"])
	assert.Equal(t, "xavier", m["init"])
	var back Config
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, cfg.Act, back.Act)
	assert.Equal(t, cfg.Cost, back.Cost)
	assert.Equal(t, cfg.Reduction, back.Reduction)
	assert.Equal(t, cfg.Convention, back.Convention)
	assert.Equal(t, cfg.Init, back.Init)
}

// The zero Config is Nielsen's chapter 1 run, whatever the order of
// derive's constants: sigmoid, quadratic, mean, row, normal.
func TestConfigDefaults(t *testing.T) {
	cfg, sp, err := Config{}.resolve(784, 10, 100)
	require.NoError(t, err)
	assert.Equal(t, []int{784, 30, 10}, cfg.Net)
	assert.Equal(t, []derive.Activation{derive.Sigmoid, derive.Sigmoid}, sp.acts)
	assert.Equal(t, "quadratic mean row normal", cfg.Cost.String()+" "+cfg.Reduction.String()+" "+cfg.Convention.String()+" "+cfg.Init.String())
}

// Memory counts a [2,1000,3] net's 6,003 parameters thirteen times and the
// examples' inputs twice; a net that cannot fit is refused before the
// trainer allocates it.
func TestConfigMemory(t *testing.T) {
	cfg := Config{Net: []int{2, 1000, 3}, Batch: 10}
	perExample := 2 * (2 + 4*1003)
	want := 8 * (13*6003 + 2*500*2 + perExample*(10+evalChunk))
	assert.Equal(t, want, int(cfg.Memory(500)))

	// A step takes at most the whole set, however large --batch is.
	assert.Equal(t, int(cfg.Memory(5)), int(Config{Net: []int{2, 1000, 3}, Batch: 1 << 40}.Memory(5)))
	assert.Equal(t, budget.Huge, Config{Net: []int{math.MaxInt, 2}}.Memory(10), "saturates, never wraps")

	_, _, err := Config{Net: []int{2, 1 << 62, 3}}.resolve(2, 3, 10)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than 8 EiB")
}

// Run refuses a net too large for the memory limit before it draws it:
// [2, 2²⁸, 3] has 1.3·10⁹ parameters, 10 GB as float64 before any copy.
func TestRunRefusesBeforeAllocating(t *testing.T) {
	set := blobs(t, 50, 1)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	h, err := Run(Config{Net: []int{2, 1 << 28, 3}, Epochs: 1}, set, nil, nil, nil)
	runtime.ReadMemStats(&after)
	assert.Nil(t, h)
	require.ErrorIs(t, err, budget.ErrTooLarge)
	assert.ErrorContains(t, err, "training a 2,268435456,3 network on 50 examples needs about")
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "bytes allocated before refusing")
}

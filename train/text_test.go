package train

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// WriteText prints a header, one row per epoch with the numbers of the
// record, and the summary; printing the rows as Run reports them and then
// finishing gives the same text, each row once. With Probe the samples
// inside epoch 1 are left out.
func TestWriteText(t *testing.T) {
	train, test := blobs(t, 300, 1), blobs(t, 100, 2)
	stream := NewTextWriter(new(bytes.Buffer))
	var live bytes.Buffer
	stream.w = &live
	h, err := Run(Config{Net: []int{2, 10, 3}, Eta: 1, Epochs: 3}, train, nil, test, stream.Progress)
	require.NoError(t, err)
	rowsDuringRun := strings.Count(live.String(), "\n")
	stream.Finish(h)

	var whole bytes.Buffer
	h.WriteText(&whole)
	require.Equal(t, whole.String(), live.String())
	assert.Equal(t, 1+4, rowsDuringRun, "the header and epochs 0–3, as they finished")

	lines := strings.Split(whole.String(), "\n")
	assert.Regexp(t, `^epoch\s+seconds\s+train cost\s+train acc\s+valid acc\s+test cost\s+test acc\s+\|∇C\| by layer\s+saturated\s+classes predicted$`, lines[0])
	for i, e := range h.Epochs {
		f := strings.Fields(lines[1+i])
		require.Len(t, f, 9+len(e.GradNorm), lines[1+i])
		assert.Equal(t, []string{itoa(e.Epoch), pct(e.TrainAccuracy), "—", pct(e.TestAccuracy)}, []string{f[0], f[3], f[4], f[6]})
		assert.InDelta(t, float64(e.TrainCost), atof(t, f[2]), 1e-4*float64(e.TrainCost))
		assert.InDelta(t, float64(e.GradNorm[0]), atof(t, f[7]), 0.01*float64(e.GradNorm[0]))
		assert.InDelta(t, float64(e.GradNorm[1]), atof(t, f[8]), 0.01*float64(e.GradNorm[1]))
		assert.Equal(t, itoa(e.DistinctPredictions), f[10])
	}
	text := whole.String()
	assert.Contains(t, text, "net 2,10,3 sigmoid, quadratic cost (mean), row convention, init normal, η 1, batch 10, λ 0, seed 1\n")
	assert.Contains(t, text, "sets: train blobs, validation —, test blobs; 30 steps an epoch\n")
	assert.Contains(t, text, "inside epoch 1, on blobs[:100]:")
	assert.Regexp(t, `\nstopped: max-epochs after [0-9.]+ s; final test accuracy [0-9.]+%\n$`, text)

	var probe bytes.Buffer
	p := NewTextWriter(&probe)
	p.Probe = true
	p.Finish(h)
	assert.NotContains(t, probe.String(), "inside epoch 1")
	assert.Equal(t, strings.Count(text, "\n")-strings.Count(probe.String(), "\n"), 3+len(h.FirstEpoch))
}

// A missing set prints as a dash, a NaN cost as NaN, and a cut-short epoch
// says so.
func TestWriteTextMissing(t *testing.T) {
	h := &History{Epochs: []Epoch{{Epoch: 2, Steps: 7, Partial: true, TrainCost: Float(math.NaN()), TrainAccuracy: Float(math.NaN()),
		ValidationAccuracy: Float(math.NaN()), TestCost: Float(math.NaN()), TestAccuracy: Float(math.NaN()), GradNorm: []Float{1, 2}}},
		Stopped: MaxTime, FinalTestAccuracy: Float(math.NaN())}
	var b bytes.Buffer
	h.WriteText(&b)
	assert.Contains(t, b.String(), "(cut short after 7 steps)")
	assert.Contains(t, b.String(), "\nstopped: max-time after 0.0 s\n")
	assert.Equal(t, 3, strings.Count(strings.Split(b.String(), "\n")[1], "—"))
}

func itoa(n int) string { return strconv.Itoa(n) }

func pct(x Float) string { return strconv.FormatFloat(100*float64(x), 'f', 2, 64) + "%" }

func atof(t *testing.T, s string) float64 {
	x, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err)
	return x
}

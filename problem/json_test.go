package problem

import (
	"encoding/json"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMarshalAsEncodingJSON: the problem file MarshalJSON writes is, byte
// for byte, what encoding/json writes from problemFile's tags, compact and
// as files are saved (MarshalIndent with one space).
func TestMarshalAsEncodingJSON(t *testing.T) {
	for _, spec := range []Spec{
		{Sizes: []int{3, 4, 2}, Batch: 5, Acts: derive.Acts{derive.Sigmoid}},
		{Convention: derive.Column, Sizes: []int{2, 3, 3, 2}, Batch: 4, Acts: derive.Acts{derive.ReLU, derive.Softmax},
			Cost: derive.LogLikelihood, Reduction: derive.Sum, Seed: 7},
		{Convention: derive.PerExample, Sizes: []int{2, 5, 1}, Batch: 3, Acts: derive.Acts{derive.Tanh, derive.Sigmoid},
			Cost: derive.CrossEntropy, L2: derive.L2{Lambda: 0.7, N: 50}, Keep: 0.8, Seed: 3},
		{Sizes: []int{1, 1}, Batch: 1, Acts: derive.Acts{derive.Sigmoid}, L2: derive.L2{Lambda: 1e-9}, Init: derive.Xavier},
	} {
		p, err := Random(spec)
		require.NoError(t, err)
		got, err := p.MarshalJSON()
		require.NoError(t, err)
		want, err := json.Marshal(p.file())
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))

		got, err = json.MarshalIndent(p, "", " ") // through MarshalJSON
		require.NoError(t, err)
		want, err = json.MarshalIndent(p.file(), "", " ")
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
	}
}

package problem

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzParse feeds problem files to the reader. Whatever the bytes, Parse
// returns a problem or one *Error naming the file on one line; never a
// panic. A problem it accepts is one the library can use: its shapes chain
// (Backprop panics on a shape that does not, derive's mustFit) and it
// writes out and reads back to the same numbers. The seeds reach each
// class of error in the reader: syntax, truncation, duplicate keys,
// nesting, unknown names, shapes, targets, softmax.
//
// CI runs it briefly: go test ./problem -run '^$' -fuzz '^FuzzParse$' -fuzztime 15s
func FuzzParse(f *testing.F) {
	design, err := os.ReadFile("testdata/design.json")
	require.NoError(f, err)
	f.Add(design)
	column := `{"convention": "column", "cost": "quadratic", "reduction": "sum",
	 "layers": [{"activation": "tanh", "W": [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], "b": [0, 0, 0]}],
	 "X": [[1, 2, 3, 4], [5, 6, 7, 8]], "Y": [[0, 0, 0, 0], [1, 1, 1, 1], [0, 1, 0, 1]]}`
	softmax := `{"convention": "per-example", "cost": "log-likelihood", "reduction": "mean",
	 "layers": [{"activation": "softmax", "W": [[0.1, 0.2], [0.3, 0.4]], "b": [0, 0]}],
	 "X": [[1, 2], [3, 4]], "Y": [[1, 0], [0, 1]]}`
	for _, seed := range []string{
		valid, column, softmax,
		valid[:60],
		strings.Replace(valid, `"cost": "quadratic",`, `"cost": "quadratic", "cost": "quadratic",`, 1),
		`{"X": ` + strings.Repeat("[", 20) + strings.Repeat("]", 20) + `}`,
		strings.Replace(valid, `"sigmoid"`, `"softmax"`, 1),
		strings.Replace(softmax, `[[0.1, 0.2], [0.3, 0.4]], "b": [0, 0]`, `[[0.1, 0.2]], "b": [0]`, 1),
		strings.Replace(valid, `"quadratic"`, `"cross-entropy"`, 1),
		strings.Replace(valid, `[5, 6]`, `[5]`, 1),
		strings.Replace(valid, `0.4, 0.5`, `1e999, 0.5`, 1),
		strings.Replace(valid, `"row"`, `"rows"`, 1),
		valid + ` {}`,
		`[1, 2]`, ``, `{"X": [[NaN]]}`, "\x00",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("f.json", data)
		if err != nil {
			var pe *Error
			require.ErrorAs(t, err, &pe)
			msg := err.Error()
			assert.True(t, strings.HasPrefix(msg, "f.json"), msg)
			if utf8.Valid(data) {
				assert.NotContains(t, msg, "\n")
			}
			return
		}
		p.Net.Backprop(p.X, p.Y) // panics if the accepted shapes do not chain
		raw, err := p.MarshalJSON()
		require.NoError(t, err)
		want, err := json.Marshal(p.file())
		require.NoError(t, err)
		assert.Equal(t, string(want), string(raw), "written as encoding/json writes it")
		q, err := Parse("again.json", raw)
		require.NoError(t, err, "a problem written out reads back")
		assert.Equal(t, p.Net.Params(nil), q.Net.Params(nil))
		assert.Equal(t, Rows(p.X), Rows(q.X))
		assert.Equal(t, Rows(p.Y), Rows(q.Y))
	})
}

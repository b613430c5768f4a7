package gradfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unmarshalArray is jsonArray written with encoding/json, the oracle:
// a list of numbers decodes into []float64, a list of rows into
// [][]float64, and a null (which encoding/json reads as 0) is found by
// decoding into pointers.
func unmarshalArray(raw []byte, max int) (*array, error) {
	if n := bytes.Count(raw, []byte(",")) + 1; n > max {
		return nil, fmt.Errorf("%d numbers, far more than any gradient array of this layer (at most %d are read)", n, max)
	}
	const nullNumber = "null where a number belongs (JSON's null is no number; a NaN in numpy is written as null by some writers)"
	var v []float64
	if err := json.Unmarshal(raw, &v); err == nil {
		var ptrs []*float64
		if json.Unmarshal(raw, &ptrs) == nil {
			for i, x := range ptrs {
				if x == nil {
					return nil, &arrayError{fmt.Sprintf("[%d]", i), nullNumber}
				}
			}
		}
		return &array{data: v, shape: []int{len(v)}}, nil
	}
	var rows [][]float64
	if err := json.Unmarshal(raw, &rows); err != nil {
		return nil, errors.New("want a list of numbers or a list of rows of numbers")
	}
	var ptrs [][]*float64
	if json.Unmarshal(raw, &ptrs) == nil {
		for i, row := range ptrs {
			if row == nil {
				return nil, &arrayError{fmt.Sprintf("[%d]", i), "null where a row of numbers belongs"}
			}
			for j, x := range row {
				if x == nil {
					return nil, &arrayError{fmt.Sprintf("[%d][%d]", i, j), nullNumber}
				}
			}
		}
	}
	a := &array{shape: []int{len(rows), 0}}
	for i, r := range rows {
		if i == 0 {
			a.shape[1] = len(r)
		}
		if len(r) != a.shape[1] {
			return nil, fmt.Errorf("row %d has %d numbers, row 0 has %d: rows must be equally long", i, len(r), a.shape[1])
		}
		a.data = append(a.data, r...)
	}
	return a, nil
}

func sameAsUnmarshal(t *testing.T, raw []byte) {
	if !json.Valid(raw) || string(bytes.TrimSpace(raw)) == "null" {
		return // the caller reads only a whole value, and refuses null itself
	}
	raw = bytes.TrimSpace(raw) // the caller passes the value's bytes
	got, err := jsonArray(raw, 50)
	want, werr := unmarshalArray(raw, 50)
	if werr != nil {
		require.Error(t, err, "%q", raw)
		assert.Equal(t, werr.Error(), err.Error(), "%q", raw)
		return
	}
	require.NoError(t, err, "%q", raw)
	assert.Equal(t, want.shape, got.shape, "%q", raw)
	if len(want.data) > 0 || len(got.data) > 0 {
		assert.Equal(t, want.data, got.data, "%q", raw)
	}
}

var arraySeeds = []string{
	`[]`, `[[]]`, `[1, 2.5, -3e-2]`, `[[1, 2], [3, 4]]`, `[[1], [2, 3]]`, `[null]`, `[1, null, 2]`, `[[1, null]]`,
	`[null, [1]]`, `[[1], null]`, `[1, [2]]`, `[[1], 2]`, `[1e999]`, `[[1e999]]`, `["1"]`, `[true]`, `{}`, `{"a": [1]}`,
	`[{}]`, `[{"a": [1]}]`, `[[[1]]]`, `"x"`, `1`, `[[], []]`, `[[], [1]]`, `["a,b,c"]`, `[-0]`, `[1E-400]`,
	`[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51]`,
}

func TestJSONArrayAsUnmarshal(t *testing.T) {
	for _, s := range arraySeeds {
		sameAsUnmarshal(t, []byte(s))
	}
}

func FuzzJSONArray(f *testing.F) {
	for _, s := range arraySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) { sameAsUnmarshal(t, raw) })
}

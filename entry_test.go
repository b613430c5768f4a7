package backproof

import (
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/stretchr/testify/assert"
)

// TestEntryWords: a weight is named by its row and column, a bias by its
// unit alone, and a bias's shape is spelt as its layout holds it, the same
// in check's table as in --gradient's.
func TestEntryWords(t *testing.T) {
	for _, c := range []struct {
		p    derive.Param
		want string
	}{
		{derive.Param{Layer: 1, Name: "W", Row: 2, Col: 0}, "(1, W, 2, 0)"},
		{derive.Param{Layer: 1, Name: "b", Row: 2}, "(1, b, unit 2)"},
		{derive.Param{Layer: 3, Name: "b", Row: 0}, "(3, b, unit 0)"},
	} {
		assert.Equal(t, c.want, entryWords(c.p))
	}
	assert.Equal(t, "1×3", biasShape(derive.Row, 3))
	assert.Equal(t, "3×1", biasShape(derive.Column, 3))
	assert.Equal(t, "3×1", biasShape(derive.PerExample, 3))
}

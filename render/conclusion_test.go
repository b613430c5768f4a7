package render

import (
	"fmt"
	"testing"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/numgrad"
	"github.com/stretchr/testify/assert"
)

// Every finding, every reason an array is not judged and every conclusion
// the result can hold has its words here, each its own, naming the array
// or the layer it is about; NoFinding and a judged array have none. (What
// the words say, case by case, is cli's TestOutputsUnchanged.)
func TestEveryFindingWorded(t *testing.T) {
	lc := &backproof.GradientResult{}
	seen := map[string]backproof.Finding{}
	for f := backproof.Misshaped; f <= backproof.Inherited; f++ {
		lp := backproof.LearnerParam{Layer: 2, Name: "W", Rows: 1, Cols: 6, WantRows: 2, WantCols: 3, Finding: f, Inherits: 3,
			NaN: 1, Flat: &backproof.FlatReading{}}
		words := Finding(lc, lp)
		assert.NotEmpty(t, words, "finding %d", f)
		if f != backproof.Inherited {
			assert.Contains(t, words, "dW2", "finding %d", f)
		} else {
			assert.Contains(t, words, "layer 3", "finding %d", f)
		}
		_, dup := seen[words]
		assert.False(t, dup, "finding %d has the words of %d", f, seen[words])
		seen[words] = f
	}
	assert.Empty(t, Finding(lc, backproof.LearnerParam{}))
	assert.Empty(t, Finding(lc, backproof.LearnerParam{Finding: backproof.Inherited + 1}), "a finding past the last has no words: add its words here")

	assert.Empty(t, NotJudged(lc, backproof.LearnerParam{Judged: true}))
	for u := backproof.BackpropNotFinite; u <= backproof.Underflow; u++ {
		assert.NotEmpty(t, NotJudged(lc, backproof.LearnerParam{Unjudged: u}), "reason %d", u)
	}

	r := &backproof.EntryResult{Backprop: backproof.Backprop{Outcome: backproof.Agree}}
	said := map[string]bool{}
	for c := backproof.Right; c <= backproof.Unconfirmed; c++ {
		if c.Outcome() != backproof.Agree {
			r.Outcome = backproof.CannotTell
		}
		r.Confirmation = &backproof.Confirmation{Cause: backproof.Unresolved, Ladder: []backproof.Trial{{Step: 0.1}, {Step: 1e-5}}}
		lc := &backproof.GradientResult{Entries: r, Conclusion: c, NoExact: &backproof.ExactLimit{Work: 9, Limit: 8}}
		words := conclusion(lc)
		assert.NotEmpty(t, words, "conclusion %d", c)
		assert.False(t, said[words], "conclusion %d", c)
		said[words] = true
		assert.Contains(t, Conclusion(lc), "too large for the exact reference", fmt.Sprint(c))
	}
}

// Every cause of a confirmation has its own words, from its data.
func TestEveryCauseWorded(t *testing.T) {
	trial := func(h float64) backproof.Trial {
		return backproof.Trial{Method: numgrad.Central, Step: h, Comparison: &compare.Result{MaxRel: 1e-9, Judged: 3}}
	}
	said := map[string]backproof.Cause{}
	for c := backproof.Mistake; c <= backproof.Unresolved; c++ {
		agreed, complexTrial := trial(1e-3), trial(1e-20)
		cf := &backproof.Confirmation{Cause: c, Method: numgrad.Central, Step: 1e-6, Tol: 1e-7, Least: 2e-4, Resolving: []float64{0.1},
			Ladder: []backproof.Trial{trial(0.1), trial(1e-3), trial(1e-9)}, Agreed: &agreed, Complex: &complexTrial}
		r := &backproof.Backprop{Comparison: &compare.Result{}, Confirmation: cf}
		words := Confirmation(r)
		assert.NotEmpty(t, words, "cause %v", c)
		other, dup := said[words]
		assert.False(t, dup, "cause %v has the words of %v", c, other)
		said[words] = c
	}
}

// Package backprooftest checks a learner's own backpropagation from their
// tests, in the manner of net/http/httptest and testing/fstest:
//
//	func TestGradients(t *testing.T) {
//		p, _ := problem.Load("testdata/problem.json")
//		dW, db := mynet.Backprop(…)          // your code, in p's convention
//		backprooftest.CheckGradient(t, p, &backproof.Gradient{DW: dW, DB: db})
//	}
//
// CheckGradient passes silently when the gradient is right and fails the
// test with backproof's report otherwise: the worst entries by (layer, W
// or b, row, column) beside backpropagation and finite differences, and
// the mistake named (missing-1/m, transposed, …).
package backprooftest

import (
	"bytes"
	"testing"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/problem"
	"github.com/backproof/backproof/render"
)

// CheckGradient checks g, the learner's gradient of problem p, with
// backproof.CheckGradient and the default settings, and fails t with the
// report unless every array agrees.
func CheckGradient(t testing.TB, p *problem.Problem, g *backproof.Gradient) {
	t.Helper()
	CheckGradientWith(t, p, g, nil)
}

// CheckGradientWith is CheckGradient with settings (method, step,
// tolerance) for backproof.CheckGradient.
func CheckGradientWith(t testing.TB, p *problem.Problem, g *backproof.Gradient, s *backproof.Settings) {
	t.Helper()
	r, err := backproof.CheckGradient(p, g, s)
	if err != nil {
		t.Fatalf("backprooftest: %v", err)
		return
	}
	if r.Pass() {
		return
	}
	var report bytes.Buffer
	render.WriteGradient(&report, r)
	t.Errorf("backprooftest: the gradient does not agree\n%s", report.String())
}

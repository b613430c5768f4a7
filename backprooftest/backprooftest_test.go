package backprooftest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// recorder is a testing.TB that records what the helper reports, so that
// the helper's own failures can be tested.
type recorder struct {
	testing.TB
	failed, fatal bool
	log           strings.Builder
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	fmt.Fprintf(&r.log, format, args...)
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed, r.fatal = true, true
	fmt.Fprintf(&r.log, format, args...)
}

// learner is the row-convention backpropagation of the problem in
// ../gradfile/testdata, written out by hand (no derive): two sigmoid
// layers, quadratic cost, mean over the batch.
func learner(p *problem.Problem, missingOneOverM bool) *backproof.Gradient {
	sig := func(z float64) float64 { return 1 / (1 + exp(-z)) }
	X, Y := p.X, p.Y
	m, _ := X.Dims()
	W1, b1, W2, b2 := p.Net.Layers[0].W, p.Net.Layers[0].B, p.Net.Layers[1].W, p.Net.Layers[1].B
	n0, n1 := W1.Dims()
	_, n2 := W2.Dims()
	dW1, dW2 := mat.NewDense(n0, n1, nil), mat.NewDense(n1, n2, nil)
	db1, db2 := make([]float64, n1), make([]float64, n2)
	scale := 1 / float64(m)
	if missingOneOverM {
		scale = 1
	}
	for x := 0; x < m; x++ {
		a1 := make([]float64, n1)
		for k := 0; k < n1; k++ {
			z := b1[k]
			for j := 0; j < n0; j++ {
				z += X.At(x, j) * W1.At(j, k)
			}
			a1[k] = sig(z)
		}
		d2 := make([]float64, n2)
		for k := 0; k < n2; k++ {
			z := b2[k]
			for j := 0; j < n1; j++ {
				z += a1[j] * W2.At(j, k)
			}
			a := sig(z)
			d2[k] = scale * (a - Y.At(x, k)) * a * (1 - a)
			db2[k] += d2[k]
			for j := 0; j < n1; j++ {
				dW2.Set(j, k, dW2.At(j, k)+a1[j]*d2[k])
			}
		}
		for j := 0; j < n1; j++ {
			var s float64
			for k := 0; k < n2; k++ {
				s += W2.At(j, k) * d2[k]
			}
			d1 := s * a1[j] * (1 - a1[j])
			db1[j] += d1
			for i := 0; i < n0; i++ {
				dW1.Set(i, j, dW1.At(i, j)+X.At(x, i)*d1)
			}
		}
	}
	return &backproof.Gradient{DW: []*mat.Dense{dW1, dW2}, DB: [][]float64{db1, db2}}
}

func exp(x float64) float64 {
	// Written out so the learner shares nothing with derive: e^x by
	// squaring e^(x/2^k) from its series.
	k := 0
	for x > 0.5 || x < -0.5 {
		x /= 2
		k++
	}
	term, sum := 1.0, 1.0
	for n := 1; n < 20; n++ {
		term *= x / float64(n)
		sum += term
	}
	for ; k > 0; k-- {
		sum *= sum
	}
	return sum
}

func load(t *testing.T) *problem.Problem {
	p, err := problem.Load(filepath.Join("..", "gradfile", "testdata", "row-problem.json"))
	require.NoError(t, err)
	return p
}

func TestCheckGradientPassesSilently(t *testing.T) {
	rec := &recorder{TB: t}
	CheckGradient(rec, load(t), learner(load(t), false))
	assert.False(t, rec.failed, rec.log.String())
	assert.Empty(t, rec.log.String())
}

func TestCheckGradientFailsWithTheReport(t *testing.T) {
	rec := &recorder{TB: t}
	CheckGradient(rec, load(t), learner(load(t), true))
	require.True(t, rec.failed)
	assert.False(t, rec.fatal, "a wrong gradient is a failure, not a fatal error")
	out := rec.log.String()
	for _, want := range []string{"worst entries of yours (layer, param, row, column)", "missing-1/m", "dW2 [missing-1/m]", "your gradient is wrong", "FAIL"} {
		assert.Contains(t, out, want)
	}
}

func TestCheckGradientStopsOnBadInput(t *testing.T) {
	rec := &recorder{TB: t}
	g := learner(load(t), false)
	g.DW = g.DW[:1]
	CheckGradient(rec, load(t), g)
	assert.True(t, rec.fatal)
	assert.Contains(t, rec.log.String(), "1 dW arrays for a network of 2 layers")
}

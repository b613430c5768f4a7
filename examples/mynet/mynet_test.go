package mynet

import (
	"testing"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/backprooftest"
	"github.com/backproof/backproof/problem"
	"gonum.org/v1/gonum/mat"
)

// TestGradients checks Backprop entry by entry against backproof's
// backpropagation and finite differences, on the problem in testdata
// (written by `backproof check --save`, or by hand).
func TestGradients(t *testing.T) {
	p, err := problem.Load("testdata/problem.json")
	if err != nil {
		t.Fatal(err)
	}
	net := &Net{}
	for _, l := range p.Net.Layers {
		net.W = append(net.W, rows(l.W))
		net.B = append(net.B, l.B)
	}
	dW, db := net.Backprop(rows(p.X), rows(p.Y))

	g := &backproof.Gradient{DB: db}
	for _, w := range dW {
		g.DW = append(g.DW, dense(w))
	}
	backprooftest.CheckGradient(t, p, g)
}

func rows(m *mat.Dense) [][]float64 {
	r, _ := m.Dims()
	out := make([][]float64, r)
	for i := range out {
		out[i] = mat.Row(nil, i, m)
	}
	return out
}

func dense(a [][]float64) *mat.Dense {
	m := mat.NewDense(len(a), len(a[0]), nil)
	for i, row := range a {
		m.SetRow(i, row)
	}
	return m
}

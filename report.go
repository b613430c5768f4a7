package backproof

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/problem"
	"gonum.org/v1/gonum/mat"
)

// jsonLayer is one layer of the JSON contract in DESIGN.md; dW and
// dW_numeric are in the layout of W in the problem.
type jsonLayer struct {
	DW          [][]float64 `json:"dW"`
	DB          []float64   `json:"db"`
	DWNumeric   [][]float64 `json:"dW_numeric"`
	DBNumeric   []float64   `json:"db_numeric"`
	MaxRelError float64     `json:"max_rel_error"`
	// Beyond the contract: more detail for people and tools.
	MaxAbsError float64 `json:"max_abs_error"`
	Kinks       int     `json:"kinks"`
}

type jsonEntry struct {
	Layer    int     `json:"layer"`
	Param    string  `json:"param"`
	Row      int     `json:"row"`
	Col      int     `json:"col"`
	Analytic float64 `json:"analytic"`
	Numeric  float64 `json:"numeric"`
	AbsError float64 `json:"abs_error"`
	RelError float64 `json:"rel_error"`
	Kink     bool    `json:"kink"`
}

type jsonReport struct {
	Value       float64     `json:"value"`
	Method      string      `json:"method"`
	Step        float64     `json:"step"`
	Layers      []jsonLayer `json:"layers"`
	MaxRelError float64     `json:"max_rel_error"`
	Pass        bool        `json:"pass"`
	Seconds     float64     `json:"seconds"`
	// Beyond the contract.
	Convention  string      `json:"convention"`
	Verdict     string      `json:"verdict"`
	MaxAbsError float64     `json:"max_abs_error"`
	Floor       float64     `json:"floor"`
	Tol         float64     `json:"tol"`
	Worst       []jsonEntry `json:"worst"`
}

// MarshalJSON writes the contract of `backproof check --json`.
func (r *Report) MarshalJSON() ([]byte, error) {
	c := r.Comparison
	out := jsonReport{Value: r.Value, Method: r.Method.String(), Step: r.Step, MaxRelError: c.MaxRel,
		Pass: c.Pass, Seconds: r.Seconds, Convention: r.Problem.Net.Convention.String(),
		Verdict: c.Verdict.String(), MaxAbsError: c.MaxAbs, Floor: c.Settings.Floor, Tol: c.Settings.Tol}
	analytic, numeric := r.Analytic, r.Numeric
	for ℓ, l := range r.Problem.Net.Layers {
		rows, cols := l.W.Dims()
		w, b := c.Layer(ℓ + 1)
		jl := jsonLayer{MaxRelError: max(w.MaxRel, b.MaxRel), MaxAbsError: max(w.MaxAbs, b.MaxAbs), Kinks: w.Kinks + b.Kinks}
		jl.DW = problem.Rows(mat.NewDense(rows, cols, analytic[:rows*cols]))
		jl.DWNumeric = problem.Rows(mat.NewDense(rows, cols, numeric[:rows*cols]))
		analytic, numeric = analytic[rows*cols:], numeric[rows*cols:]
		n := len(l.B)
		jl.DB, jl.DBNumeric = analytic[:n], numeric[:n]
		analytic, numeric = analytic[n:], numeric[n:]
		out.Layers = append(out.Layers, jl)
	}
	for _, e := range c.Worst {
		out.Worst = append(out.Worst, jsonEntry{Layer: e.Param.Layer, Param: e.Param.Name, Row: e.Param.Row, Col: e.Param.Col,
			Analytic: e.Analytic, Numeric: e.Numeric, AbsError: e.AbsErr, RelError: e.RelErr, Kink: e.Kink})
	}
	return json.Marshal(out)
}

// WriteText prints the report for a learner.
func (r *Report) WriteText(w io.Writer) {
	p, c := r.Problem, r.Comparison
	sizes := p.Net.Sizes()
	fmt.Fprintf(w, "network %v, %v convention, %v cost, %v reduction, batch m = %d\n",
		sizes, p.Net.Convention, p.Net.Cost, p.Net.Reduction, p.Batch())
	fmt.Fprintf(w, "cost C = %.10g\n", r.Value)
	fmt.Fprintf(w, "finite differences: %v, step h = %.3g; entries closer than %.2g agree (the noise floor,\n  about ε·|C|/h: finite differences cannot resolve less; \"max rel err\" counts only errors above it)\n\n",
		r.Method, r.Step, c.Settings.Floor)
	fmt.Fprintf(w, "%-6s %-6s %-9s %-12s %-12s %-12s %s\n", "layer", "param", "shape", "max abs err", "max rel err", "(with noise)", "kinks")
	for ℓ, l := range p.Net.Layers {
		gw, gb := c.Layer(ℓ + 1)
		rows, cols := l.W.Dims()
		for _, g := range []struct {
			compare.Group
			shape string
		}{{gw, fmt.Sprintf("%d×%d", rows, cols)}, {gb, fmt.Sprint(len(l.B))}} {
			fmt.Fprintf(w, "%-6d %-6s %-9s %-12.3g %-12.3g %-12.3g %d\n", ℓ+1, g.Name, g.shape, g.MaxAbs, g.MaxRel, g.RawMaxRel, g.Kinks)
		}
	}
	fmt.Fprintf(w, "\nworst entries (layer, param, row, column):\n")
	for _, e := range c.Worst {
		note := ""
		switch {
		case e.Kink:
			note = "  kink: the stencil crosses z = 0"
		case e.AbsErr <= c.Settings.Floor:
			note = "  under the noise floor"
		}
		fmt.Fprintf(w, "  (%d, %s, %d, %d)  analytic %+.10e  numeric %+.10e  rel %.2e%s\n",
			e.Param.Layer, e.Param.Name, e.Param.Row, e.Param.Col, e.Analytic, e.Numeric, e.RelErr, note)
	}
	fmt.Fprintf(w, "\nverdict: %v: %s\n", c.Verdict, c.Verdict.Explain())
	if c.Kinks > 0 {
		fmt.Fprintf(w, "%d entries straddle a relu kink and are not judged: finite differences there average two slopes.\n", c.Kinks)
	}
	status := "PASS"
	if !c.Pass {
		status = "FAIL"
	}
	fmt.Fprintf(w, "%s: max relative error %.3g (tolerance %.3g) in %.3g s\n", status, c.MaxRel, c.Settings.Tol, r.Seconds)
}

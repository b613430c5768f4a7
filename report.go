package backproof

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
	"gonum.org/v1/gonum/mat"
)

// jsonLayer is one layer of the JSON contract in DESIGN.md; dW and
// dW_numeric are in the layout of W in the problem.
// In a directional check there are no numeric entries: dW_numeric,
// db_numeric and the layer's max_rel_error are null.
type jsonLayer struct {
	DW          [][]float64 `json:"dW"`
	DB          []float64   `json:"db"`
	DWNumeric   [][]float64 `json:"dW_numeric"`
	DBNumeric   []float64   `json:"db_numeric"`
	MaxRelError *float64    `json:"max_rel_error"`
	// Beyond the contract: more detail for people and tools (omitted in
	// a directional check).
	MaxAbsError *float64 `json:"max_abs_error,omitempty"`
	Kinks       *int     `json:"kinks,omitempty"`
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
	Worst       []jsonEntry `json:"worst,omitempty"`
	// Path is "layered" (numgrad.NetGradient) or "generic"; omitted for a
	// directional check.
	Path        string           `json:"path,omitempty"`
	Directional *jsonDirectional `json:"directional,omitempty"`
}

// jsonDirectional is the detail of a directional check ("method":
// "directional"): the stencil along each direction, the seed, and one
// entry per direction.
type jsonDirectional struct {
	Stencil    string          `json:"stencil"`
	Seed       uint64          `json:"seed"`
	Directions []jsonDirection `json:"directions"`
}

type jsonDirection struct {
	Analytic float64 `json:"analytic"` // vᵀ∇C
	Numeric  float64 `json:"numeric"`
	AbsError float64 `json:"abs_error"`
	RelError float64 `json:"rel_error"`
	Kink     bool    `json:"kink"`
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
		n := len(l.B)
		jl := jsonLayer{DW: problem.Rows(mat.NewDense(rows, cols, analytic[:rows*cols])), DB: analytic[rows*cols : rows*cols+n]}
		analytic = analytic[rows*cols+n:]
		if r.Directional == nil {
			w, b := c.Layer(ℓ + 1)
			maxRel, maxAbs, kinks := max(w.MaxRel, b.MaxRel), max(w.MaxAbs, b.MaxAbs), w.Kinks+b.Kinks
			jl.MaxRelError, jl.MaxAbsError, jl.Kinks = &maxRel, &maxAbs, &kinks
			jl.DWNumeric = problem.Rows(mat.NewDense(rows, cols, numeric[:rows*cols]))
			jl.DBNumeric = numeric[rows*cols : rows*cols+n]
			numeric = numeric[rows*cols+n:]
		}
		out.Layers = append(out.Layers, jl)
	}
	if d := r.Directional; d != nil {
		out.Method = "directional"
		out.Directional = &jsonDirectional{Stencil: r.Method.String(), Seed: d.Seed, Directions: []jsonDirection{}}
		for _, e := range d.Directions {
			out.Directional.Directions = append(out.Directional.Directions,
				jsonDirection{Analytic: e.Analytic, Numeric: e.Numeric, AbsError: e.AbsErr, RelError: e.RelErr, Kink: e.Kink})
		}
		return json.Marshal(out)
	}
	out.Path = "layered"
	if r.Generic {
		out.Path = "generic"
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
	if r.Directional != nil {
		r.writeDirectional(w)
		return
	}
	path := "the layer-aware fast path"
	if r.Generic {
		path = "the generic path, the whole network at every point"
	}
	if r.Method == numgrad.ComplexStep {
		fmt.Fprintf(w, "complex step: Im C(θ + i h e_i)/h, h = %.3g, by %s; entries closer than %.2g agree (the noise floor,\n  about 100 ε·|C|: the complex step subtracts nothing, so only rounding is left; \"max rel err\" counts only errors above it)\n\n",
			r.Step, path, c.Settings.Floor)
	} else {
		fmt.Fprintf(w, "finite differences: %v, step h = %.3g, by %s; entries closer than %.2g agree (the noise floor,\n  about ε·|C|/h: finite differences cannot resolve less; \"max rel err\" counts only errors above it)\n\n",
			r.Method, r.Step, path, c.Settings.Floor)
	}
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
		case e.Kink && r.Method == numgrad.ComplexStep:
			note = "  kink: a pre-activation is exactly at z = 0"
		case e.Kink:
			note = "  kink: the stencil crosses z = 0"
		case e.AbsErr <= c.Settings.Floor:
			note = "  under the noise floor"
		}
		fmt.Fprintf(w, "  (%d, %s, %d, %d)  analytic %+.10e  numeric %+.10e  rel %.2e%s\n",
			e.Param.Layer, e.Param.Name, e.Param.Row, e.Param.Col, e.Analytic, e.Numeric, e.RelErr, note)
	}
	r.writeVerdict(w)
}

// writeVerdict ends both kinds of report.
func (r *Report) writeVerdict(w io.Writer) {
	c := r.Comparison
	fmt.Fprintf(w, "\nverdict: %v: %s\n", c.Verdict, c.Verdict.Explain())
	if c.Kinks > 0 && r.Directional != nil {
		fmt.Fprintf(w, "%d directions straddle a relu kink and are not judged.\n", c.Kinks)
	} else if c.Kinks > 0 && r.Method == numgrad.ComplexStep {
		fmt.Fprintf(w, "%d entries reach a relu pre-activation exactly at its kink and are not judged: the derivative does not exist there.\n", c.Kinks)
	} else if c.Kinks > 0 {
		fmt.Fprintf(w, "%d entries straddle a relu kink and are not judged: finite differences there average two slopes.\n", c.Kinks)
	}
	status := "PASS"
	if !c.Pass {
		status = "FAIL"
	}
	fmt.Fprintf(w, "%s: max relative error %.3g (tolerance %.3g) in %.3g s\n", status, c.MaxRel, c.Settings.Tol, r.Seconds)
}

// writeDirectional prints a directional check: one line per direction.
func (r *Report) writeDirectional(w io.Writer) {
	c, d := r.Comparison, r.Directional
	what := fmt.Sprintf("the %v difference, step h = %.3g,", r.Method, r.Step)
	if r.Method == numgrad.ComplexStep {
		what = fmt.Sprintf("the complex step Im C(θ + i h v)/h, h = %.3g,", r.Step)
	}
	fmt.Fprintf(w, "directional check: %d random unit directions v (seed %d) over all %d parameters;\n",
		len(d.Directions), d.Seed, len(r.Analytic))
	fmt.Fprintf(w, "  vᵀ∇C from backpropagation against %s along v.\n", what)
	fmt.Fprintf(w, "  Differences under %.2g agree (the noise floor). It shows whether ∇C is right, not which entry is wrong.\n\n", c.Settings.Floor)
	fmt.Fprintf(w, "%-4s %-22s %-22s %-11s %s\n", "v", "analytic vᵀ∇C", "numeric ∂C/∂v", "abs err", "rel err")
	for k, e := range d.Directions {
		note := ""
		switch {
		case e.Kink:
			note = "  kink: not judged"
		case e.AbsErr <= c.Settings.Floor:
			note = "  under the noise floor"
		}
		fmt.Fprintf(w, "%-4d %+.15e %+.15e %-11.3g %.3g%s\n", k+1, e.Analytic, e.Numeric, e.AbsErr, e.RelErr, note)
	}
	r.writeVerdict(w)
}

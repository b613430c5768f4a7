package backproof

import (
	"encoding/json"
	"fmt"
	"io"
	"math"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
	"gonum.org/v1/gonum/mat"
)

// jsonLayer is one layer of the JSON contract in docs/contracts.md; dW and
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

// jsonEntry is one compared entry; a direction of a directional check
// has no layer, param or column.
type jsonEntry struct {
	Layer    int     `json:"layer,omitempty"`
	Param    string  `json:"param,omitempty"`
	Row      int     `json:"row"`
	Col      int     `json:"col"`
	Analytic float64 `json:"analytic"`
	Numeric  float64 `json:"numeric"`
	AbsError float64 `json:"abs_error"`
	RelError float64 `json:"rel_error"`
	Kink     bool    `json:"kink"`
}

type jsonReport struct {
	Value  float64     `json:"value"`
	Method string      `json:"method"`
	Step   float64     `json:"step"`
	Layers []jsonLayer `json:"layers"`
	// MaxRelError is over the judged entries; null when none was judged.
	MaxRelError *float64 `json:"max_rel_error"`
	Pass        bool     `json:"pass"`
	Seconds     float64  `json:"seconds"`
	// The learner's gradient (CheckGradient), as the contract has it.
	GradientSource *string         `json:"gradient_source,omitempty"`
	Diagnosis      []jsonDiagnosis `json:"diagnosis,omitempty"`
	// Beyond the contract.
	Outcome      string            `json:"outcome"`
	Resolved     int               `json:"judged"`
	Unresolved   int               `json:"not_judged"`
	Confirmation *jsonConfirmation `json:"confirmation,omitempty"`
	Learner      *jsonLearner      `json:"learner,omitempty"`
	Convention   string            `json:"convention"`
	Verdict      string            `json:"verdict"`
	MaxAbsError  float64           `json:"max_abs_error"`
	Floor        float64           `json:"floor"`
	Tol          float64           `json:"tol"`
	Worst        []jsonEntry       `json:"worst,omitempty"`
	// Path is "layered" (numgrad.NetGradient) or "generic"; omitted for a
	// directional check.
	Path        string           `json:"path,omitempty"`
	Directional *jsonDirectional `json:"directional,omitempty"`
}

// jsonDiagnosis is one named mistake of the learner's gradient; Code is
// null when no mistake of the catalogue reproduces the array.
type jsonDiagnosis struct {
	Layer   int     `json:"layer"`
	Param   string  `json:"param"`
	Code    *string `json:"code"`
	Message string  `json:"message"`
	// Inherits is the layer whose mistake the array inherits (its code
	// is then null).
	Inherits int `json:"inherits,omitempty"`
}

type jsonTrial struct {
	Method      string   `json:"method"`
	Step        float64  `json:"step"`
	MaxRelError *float64 `json:"max_rel_error"`
	Judged      int      `json:"judged"`
	Pass        bool     `json:"pass"`
}

type jsonConfirmation struct {
	Cause   string      `json:"cause"`
	Message string      `json:"message"`
	Trials  []jsonTrial `json:"trials"`
}

type jsonLearnerParam struct {
	Layer       int      `json:"layer"`
	Param       string   `json:"param"`
	Shape       [2]int   `json:"shape"`
	WantShape   [2]int   `json:"want_shape"`
	MaxAbsError *float64 `json:"max_abs_error"`
	MaxRelError *float64 `json:"max_rel_error"`
	Agree       bool     `json:"agree"`
	// Beyond the first contract: whether the array was judged and why
	// not, what it was judged to, and its entries that are not finite.
	Judged bool     `json:"judged"`
	Reason string   `json:"reason,omitempty"`
	Tol    *float64 `json:"tol,omitempty"`
	Floor  *float64 `json:"floor,omitempty"`
	NaN    int      `json:"nan"`
	Inf    int      `json:"inf"`
	Kinks  int      `json:"kinks"`
	// Inherits is the layer whose mistake the array inherits, omitted
	// when none.
	Inherits int `json:"inherits,omitempty"`
}

// jsonLearnerEntry is one of the learner's worst entries; yours and
// rel_error are null when your value is NaN or infinite.
type jsonLearnerEntry struct {
	Layer    int      `json:"layer"`
	Param    string   `json:"param"`
	Row      int      `json:"row"`
	Col      int      `json:"col"`
	Yours    *float64 `json:"yours"`
	Backprop float64  `json:"backprop"`
	Numeric  *float64 `json:"numeric"`
	RelError *float64 `json:"rel_error"`
}

type jsonLearner struct {
	Outcome string             `json:"outcome"`
	Float32 bool               `json:"float32"`
	Message string             `json:"message"`
	Params  []jsonLearnerParam `json:"params"`
	Worst   []jsonLearnerEntry `json:"worst"`
	// Beyond the first contract: the first wrong layer when lower ones
	// inherit its mistake, and the entries on a relu kink.
	FirstWrongLayer int            `json:"first_wrong_layer,omitempty"`
	KinkEntries     []jsonParamRef `json:"kink_entries,omitempty"`
	// Float64Error is how far float64 backpropagation is from the exact
	// gradient here, relative to each array's largest entry (the largest
	// over the arrays); null without the exact reference.
	Float64Error *float64 `json:"float64_error"`
}

// jsonParamRef names one entry of the gradient.
type jsonParamRef struct {
	Layer int    `json:"layer"`
	Param string `json:"param"`
	Row   int    `json:"row"`
	Col   int    `json:"col"`
}

// finite is a number for JSON, which has no NaN or infinity: null then.
func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// rel is a maximum relative error for JSON: null when nothing was judged.
func rel(maxRel float64, judged int) *float64 {
	if judged == 0 {
		return nil
	}
	return &maxRel
}

// addEvidence adds the outcome, the confirmation and the learner's
// gradient to the JSON report.
func (r *Report) addEvidence(out *jsonReport) {
	out.Outcome = r.Outcome.String()
	if cf := r.Confirmation; cf != nil {
		jc := &jsonConfirmation{Cause: cf.Cause.String(), Message: cf.Message}
		trials := append([]Trial(nil), cf.Ladder...)
		if cf.Complex != nil {
			trials = append(trials, *cf.Complex)
		}
		for _, t := range trials {
			c := t.Comparison
			jc.Trials = append(jc.Trials, jsonTrial{Method: t.Method.String(), Step: t.Step,
				MaxRelError: rel(c.MaxRel, c.Judged), Judged: c.Judged, Pass: c.Pass})
		}
		out.Confirmation = jc
	}
	lc := r.Learner
	if lc == nil {
		return
	}
	src := lc.Source
	out.GradientSource = &src
	out.Diagnosis = []jsonDiagnosis{}
	jl := &jsonLearner{Outcome: lc.Outcome.String(), Float32: lc.Float32, Message: lc.Message, Worst: []jsonLearnerEntry{}}
	for _, lp := range lc.Params {
		p := jsonLearnerParam{Layer: lp.Layer, Param: lp.Name, Shape: [2]int{lp.Rows, lp.Cols},
			WantShape: [2]int{lp.WantRows, lp.WantCols}, Agree: lp.Agree, Judged: lp.Judged, Reason: lp.Reason, NaN: lp.NaN, Inf: lp.Inf,
			Kinks: lp.Kinks, Inherits: lp.Inherits}
		if lp.ShapeOK && lp.Judged {
			p.MaxAbsError, p.MaxRelError = finite(lp.MaxAbs), finite(lp.MaxRel)
			p.Tol, p.Floor = finite(lp.Tol), finite(lp.Floor)
		}
		jl.Params = append(jl.Params, p)
		if lp.Agree || !lp.Judged {
			continue
		}
		if len(lp.Mistakes) == 0 {
			out.Diagnosis = append(out.Diagnosis, jsonDiagnosis{Layer: lp.Layer, Param: lp.Name, Message: lp.Message, Inherits: lp.Inherits})
		}
		for _, m := range lp.Mistakes {
			code := string(m.Code)
			out.Diagnosis = append(out.Diagnosis, jsonDiagnosis{Layer: lp.Layer, Param: lp.Name, Code: &code, Message: m.Message})
		}
	}
	jl.FirstWrongLayer = lc.First
	for _, p := range lc.Kinks {
		jl.KinkEntries = append(jl.KinkEntries, jsonParamRef{p.Layer, p.Name, p.Row, p.Col})
	}
	if r.Exact != nil {
		var worst float64
		for _, lp := range lc.Params {
			worst = max(worst, lp.Float64Err)
		}
		jl.Float64Error = finite(worst)
	}
	for _, e := range lc.Worst {
		je := jsonLearnerEntry{Layer: e.Param.Layer, Param: e.Param.Name, Row: e.Param.Row, Col: e.Param.Col,
			Yours: finite(e.Yours), Backprop: e.Reference, RelError: finite(e.RelErr)}
		if e.HasNumeric {
			je.Numeric = finite(e.Numeric)
		}
		jl.Worst = append(jl.Worst, je)
	}
	out.Learner = jl
}

// jsonDirectional is the detail of a directional check ("method":
// "directional"): the stencil along each direction, the seed, and one
// entry per direction.
type jsonDirectional struct {
	Stencil    string          `json:"stencil"`
	Seed       uint64          `json:"seed"`
	Directions []jsonDirection `json:"directions"`
}

// jsonDirection is one direction: analytic is vᵀ∇C.
type jsonDirection struct {
	Analytic float64 `json:"analytic"`
	Numeric  float64 `json:"numeric"`
	AbsError float64 `json:"abs_error"`
	RelError float64 `json:"rel_error"`
	Kink     bool    `json:"kink"`
}

// MarshalJSON writes the contract of `backproof check --json`.
func (r *Report) MarshalJSON() ([]byte, error) {
	c := r.Comparison
	out := jsonReport{Value: r.Value, Method: r.Method.String(), Step: r.Step, MaxRelError: rel(c.MaxRel, c.Judged),
		Pass: r.Pass(), Seconds: r.Seconds, Convention: r.Problem.Net.Convention.String(),
		Verdict: c.Band.String(), MaxAbsError: c.MaxAbs, Floor: c.Criteria.Floor, Tol: c.Criteria.Tol,
		Resolved: c.Judged, Unresolved: c.NotJudged}
	r.addEvidence(&out)
	analytic, numeric := r.Analytic, r.Numeric
	for ℓ, l := range r.Problem.Net.Layers {
		rows, cols := l.W.Dims()
		n := len(l.B)
		jl := jsonLayer{DW: problem.Rows(mat.NewDense(rows, cols, analytic[:rows*cols])), DB: analytic[rows*cols : rows*cols+n]}
		analytic = analytic[rows*cols+n:]
		if r.Directional == nil {
			w, b := c.Layer(ℓ + 1)
			maxAbs, kinks := max(w.MaxAbs, b.MaxAbs), w.Kinks+b.Kinks
			jl.MaxRelError, jl.MaxAbsError, jl.Kinks = rel(max(w.MaxRel, b.MaxRel), w.Judged+b.Judged), &maxAbs, &kinks
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
	if reg := p.Net.Regularization(p.Batch()); reg != "" {
		fmt.Fprintf(w, "regularized: %s\n", reg)
	}
	fmt.Fprintf(w, "cost C = %.10g\n", r.Value)
	if r.Directional != nil {
		r.writeDirectional(w)
		return
	}
	if r.Learner != nil && r.Outcome == Agree && r.Confirmation == nil {
		// The reference is settled: one line for it, the report is the learner's.
		fmt.Fprintf(w, "backproof's backpropagation against %v differences (h = %.3g): agree, max relative error %.3g over %d judged entries\n",
			r.Method, r.Step, c.MaxRel, c.Judged)
		r.writeLearner(w)
		return
	}
	path := "the layer-aware fast path"
	if r.Generic {
		path = "the generic path, the whole network at every point"
	}
	if r.Method == numgrad.ComplexStep {
		fmt.Fprintf(w, "complex step: Im C(θ + i h e_i)/h, h = %.3g, by %s; noise floor %.2g (about 100 ε·|C|:\n  the complex step subtracts nothing, so only rounding is left)\n", r.Step, path, c.Criteria.Floor)
	} else {
		fmt.Fprintf(w, "finite differences: %v, step h = %.3g, by %s; noise floor %.2g (about ε·|C|/h:\n  the rounding of C divided by h, what finite differences cannot resolve)\n", r.Method, r.Step, path, c.Criteria.Floor)
	}
	fmt.Fprintf(w, "  An entry is judged by its relative error when it is at least floor/tol = %.2g, or its error exceeds the floor;\n  smaller entries that agree within the floor are noise to finite differences and are not judged.\n\n",
		c.Criteria.Floor/c.Criteria.Tol)
	fmt.Fprintf(w, "%-6s %-6s %-9s %-12s %-12s %-19s %s\n", "layer", "param", "shape", "max abs err", "max rel err", "judged", "kinks")
	for ℓ, l := range p.Net.Layers {
		gw, gb := c.Layer(ℓ + 1)
		rows, cols := l.W.Dims()
		for _, g := range []struct {
			compare.Group
			shape string
		}{{gw, shapeWords(rows, cols)}, {gb, biasShape(p.Net.Convention, len(l.B))}} {
			fmt.Fprintf(w, "%-6d %-6s %-9s %-12.3g %-12s %-19s %d\n", ℓ+1, g.Name, g.shape, g.MaxAbs, relWords(g.MaxRel, g.Judged),
				fmt.Sprintf("%d of %d", g.Judged, g.Judged+g.NotJudged+g.Kinks), g.Kinks)
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
		case !e.Judged(c.Criteria):
			note = "  noise: not judged"
		}
		fmt.Fprintf(w, "  %s  analytic %+.10e  numeric %+.10e  rel %.2e%s\n",
			entryWords(e.Param), e.Analytic, e.Numeric, e.RelErr, note)
	}
	r.writeVerdict(w)
}

// entryWords names a compared entry as the worst-entry lists print it:
// (layer, W, row, column) for a weight, and (layer, b, unit j) for a bias,
// which is one number per unit whatever its layout.
func entryWords(p derive.Param) string {
	if p.Name == "b" {
		return fmt.Sprintf("(%d, b, unit %d)", p.Layer, p.Row)
	}
	return fmt.Sprintf("(%d, %s, %d, %d)", p.Layer, p.Name, p.Row, p.Col)
}

// biasShape spells a bias's shape as its layout holds it, 1×n in the row
// convention and n×1 in the others, as the --gradient table spells it.
func biasShape(c derive.Convention, n int) string {
	if c.ColumnLayout() {
		return shapeWords(n, 1)
	}
	return shapeWords(1, n)
}

// relWords is a maximum relative error for a table: "-" when no entry
// was judged, so that no 0 stands for "nothing measured".
func relWords(maxRel float64, resolved int) string {
	if resolved == 0 {
		return "-"
	}
	return fmt.Sprintf("%.3g", maxRel)
}

// writeVerdict ends both kinds of report.
func (r *Report) writeVerdict(w io.Writer) {
	c := r.Comparison
	fmt.Fprintf(w, "\nverdict at h = %.3g: %v: %s\n", r.Step, c.Band, c.Band.Explain(c.Criteria.Tol))
	what := "entries"
	if r.Directional != nil {
		what = "directions"
	}
	if c.NotJudged > 0 {
		fmt.Fprintf(w, "%d of the %d %s are judged; %d are smaller than %.2g and agree within the noise floor, which is all the numerical method can say of them.\n",
			c.Judged, c.Len(), what, c.NotJudged, c.Criteria.Floor/c.Criteria.Tol)
	}
	if c.Kinks > 0 && r.Directional != nil {
		fmt.Fprintf(w, "%d directions straddle a relu kink and are not judged.\n", c.Kinks)
	} else if c.Kinks > 0 && r.Method == numgrad.ComplexStep {
		fmt.Fprintf(w, "%d entries reach a relu pre-activation exactly at its kink and are not judged: the derivative does not exist there.\n", c.Kinks)
	} else if c.Kinks > 0 {
		fmt.Fprintf(w, "%d entries straddle a relu kink and are not judged: finite differences there average two slopes.\n", c.Kinks)
	}
	if cf := r.Confirmation; cf != nil {
		r.writeConfirmation(w, cf)
	}
	if r.Learner != nil {
		r.writeLearner(w)
		return
	}
	switch r.Outcome {
	case Agree:
		if r.Confirmation != nil {
			a := r.Confirmation.Agreed.Comparison
			fmt.Fprintf(w, "PASS: the analytic gradient agrees, confirmed by %s (max relative error %.3g over %d judged %s); in %.3g s\n",
				trialName(r.Confirmation.Agreed), a.MaxRel, a.Judged, what, r.Seconds)
			return
		}
		fmt.Fprintf(w, "PASS: max relative error %.3g over %d judged %s (tolerance %.3g) in %.3g s\n", c.MaxRel, c.Judged, what, c.Criteria.Tol, r.Seconds)
	case Disagree:
		fmt.Fprintf(w, "FAIL: the analytic gradient is wrong: max relative error %.3g over %d judged %s (tolerance %.3g) in %.3g s\n", c.MaxRel, c.Judged, what, c.Criteria.Tol, r.Seconds)
	default:
		if r.Confirmation != nil {
			fmt.Fprintf(w, "CANNOT TELL (exit status 1): the evidence above does not decide (%.3g s)\n", r.Seconds)
			return
		}
		fmt.Fprintf(w, "CANNOT TELL (exit status 1): %s (%.3g s)\n", r.confirmationWords(), r.Seconds)
	}
}

// trialName names a confirmation's trial: "central differences at h = 1e-4".
func trialName(t *Trial) string {
	if t.Method == numgrad.ComplexStep {
		return fmt.Sprintf("the complex step (h = %.3g)", t.Step)
	}
	return fmt.Sprintf("%v differences at h = %.3g", t.Method, t.Step)
}

// writeConfirmation prints the ladder of steps and the complex step that
// settled a comparison that did not agree.
func (r *Report) writeConfirmation(w io.Writer, cf *Confirmation) {
	fmt.Fprintf(w, "\nconfirmation: before calling the difference the gradient's, the same check at other steps%s:\n",
		map[bool]string{true: " and by the complex step", false: ""}[cf.Complex != nil])
	fmt.Fprintf(w, "  %-34s %-12s %-12s %s\n", "method", "max rel err", "judged", "agrees")
	trials := append([]Trial(nil), cf.Ladder...)
	if cf.Complex != nil {
		trials = append(trials, *cf.Complex)
	}
	for _, t := range trials {
		tc := t.Comparison
		fmt.Fprintf(w, "  %-34s %-12s %-12d %v\n", trialName(&t), relWords(tc.MaxRel, tc.Judged), tc.Judged, tc.Pass)
	}
	fmt.Fprintf(w, "  → %s\n", cf.Message)
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
	if r.StepNote != "" {
		fmt.Fprintf(w, "  The step: %s.\n", r.StepNote)
	}
	fmt.Fprintf(w, "  Differences under %.2g agree (the noise floor). It shows whether ∇C is right, not which entry is wrong.\n\n", c.Criteria.Floor)
	fmt.Fprintf(w, "%-4s %-22s %-22s %-11s %s\n", "v", "analytic vᵀ∇C", "numeric ∂C/∂v", "abs err", "rel err")
	for k, e := range d.Directions {
		note := ""
		switch {
		case e.Kink:
			note = "  kink: not judged"
		case e.AbsErr <= c.Criteria.Floor:
			note = "  under the noise floor"
		}
		fmt.Fprintf(w, "%-4d %+.15e %+.15e %-11.3g %.3g%s\n", k+1, e.Analytic, e.Numeric, e.AbsErr, e.RelErr, note)
	}
	r.writeVerdict(w)
}

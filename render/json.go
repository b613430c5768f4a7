// Package render writes the results of backproof's checks as the CLI
// prints them: text for people and the JSON of docs/contracts.md. It
// reads the results and computes nothing of its own.
package render

import (
	"math"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/internal/jsonio"
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
	Judged       int               `json:"judged"`
	NotJudged    int               `json:"not_judged"`
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

// EntriesJSON is the JSON object `backproof check --json` prints for an
// entry-by-entry check (docs/contracts.md).
func EntriesJSON(r *backproof.EntryResult) ([]byte, error) {
	out := entriesJSON(r, r.Pass(), r.Seconds)
	return out.marshal()
}

// DirectionsJSON is the JSON object `backproof check --json` prints for a
// directional check (--method directional).
func DirectionsJSON(r *backproof.DirectionalResult) ([]byte, error) {
	out := directionsJSON(r, r.Pass(), r.Seconds)
	return out.marshal()
}

// GradientJSON is the JSON object `backproof check --json --gradient G`
// prints: the check of backpropagation it rests on, with the learner's
// gradient added.
func GradientJSON(r *backproof.GradientResult) ([]byte, error) {
	var out jsonReport
	if r.Directions != nil {
		out = directionsJSON(r.Directions, r.Pass(), r.Seconds)
	} else {
		out = entriesJSON(r.Entries, r.Pass(), r.Seconds)
	}
	addLearner(r, &out)
	return out.marshal()
}

// backpropJSON is what both kinds of check write, with the layers'
// analytic gradients; numeric is the numeric gradient entry by entry, nil
// in a directional check.
func backpropJSON(r *backproof.Backprop, numeric []float64, pass bool, seconds float64) jsonReport {
	c := r.Comparison
	out := jsonReport{Value: r.Value, Method: r.Method.String(), Step: r.Step, MaxRelError: rel(c.MaxRel, c.Judged),
		Pass: pass, Seconds: seconds, Convention: r.Problem.Net.Convention.String(),
		Verdict: c.Band.String(), MaxAbsError: c.MaxAbs, Floor: c.Criteria.Floor, Tol: c.Criteria.Tol,
		Judged: c.Judged, NotJudged: c.NotJudged, Outcome: r.Outcome.String()}
	addConfirmation(r, &out)
	analytic := r.Analytic
	for ℓ, l := range r.Problem.Net.Layers {
		rows, cols := l.W.Dims()
		n := len(l.B)
		jl := jsonLayer{DW: problem.Rows(mat.NewDense(rows, cols, analytic[:rows*cols])), DB: analytic[rows*cols : rows*cols+n]}
		analytic = analytic[rows*cols+n:]
		if numeric != nil {
			w, b := c.Layer(ℓ + 1)
			maxAbs, kinks := max(w.MaxAbs, b.MaxAbs), w.Kinks+b.Kinks
			jl.MaxRelError, jl.MaxAbsError, jl.Kinks = rel(max(w.MaxRel, b.MaxRel), w.Judged+b.Judged), &maxAbs, &kinks
			jl.DWNumeric = problem.Rows(mat.NewDense(rows, cols, numeric[:rows*cols]))
			jl.DBNumeric = numeric[rows*cols : rows*cols+n]
			numeric = numeric[rows*cols+n:]
		}
		out.Layers = append(out.Layers, jl)
	}
	return out
}

func entriesJSON(r *backproof.EntryResult, pass bool, seconds float64) jsonReport {
	out := backpropJSON(&r.Backprop, r.Numeric, pass, seconds)
	out.Path = "layered"
	if r.Generic {
		out.Path = "generic"
	}
	for _, e := range r.Comparison.Worst {
		out.Worst = append(out.Worst, jsonEntry{Layer: e.Param.Layer, Param: e.Param.Name, Row: e.Param.Row, Col: e.Param.Col,
			Analytic: e.Analytic, Numeric: e.Numeric, AbsError: e.AbsErr, RelError: e.RelErr, Kink: e.Kink})
	}
	return out
}

func directionsJSON(r *backproof.DirectionalResult, pass bool, seconds float64) jsonReport {
	out := backpropJSON(&r.Backprop, nil, pass, seconds)
	out.Method = "directional"
	out.Directional = &jsonDirectional{Stencil: r.Method.String(), Seed: r.Seed, Directions: []jsonDirection{}}
	for _, e := range r.Directions {
		out.Directional.Directions = append(out.Directional.Directions,
			jsonDirection{Analytic: e.Analytic, Numeric: e.Numeric, AbsError: e.AbsErr, RelError: e.RelErr, Kink: e.Kink})
	}
	return out
}

// addConfirmation adds the confirmation to the JSON object.
func addConfirmation(r *backproof.Backprop, out *jsonReport) {
	if cf := r.Confirmation; cf != nil {
		jc := &jsonConfirmation{Cause: cf.Cause.String(), Message: Confirmation(r)}
		trials := append([]backproof.Trial(nil), cf.Ladder...)
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
}

// addLearner adds the learner's gradient to the JSON object.
func addLearner(lc *backproof.GradientResult, out *jsonReport) {
	src := lc.Source
	out.GradientSource = &src
	out.Diagnosis = []jsonDiagnosis{}
	jl := &jsonLearner{Outcome: lc.Outcome.String(), Float32: lc.Float32, Message: Conclusion(lc), Worst: []jsonLearnerEntry{}}
	for _, lp := range lc.Params {
		p := jsonLearnerParam{Layer: lp.Layer, Param: lp.Name, Shape: [2]int{lp.Rows, lp.Cols},
			WantShape: [2]int{lp.WantRows, lp.WantCols}, Agree: lp.Agree, Judged: lp.Judged, Reason: NotJudged(lc, lp), NaN: lp.NaN, Inf: lp.Inf,
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
			out.Diagnosis = append(out.Diagnosis, jsonDiagnosis{Layer: lp.Layer, Param: lp.Name, Message: Finding(lc, lp), Inherits: lp.Inherits})
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
	jl.Float64Error = finite(lc.Float64Err)
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

// The JSON objects write themselves field by field, in the order of their
// tags, as encoding/json writes them (json_test.go compares the bytes):
// encoding/json would link reflect into the page in the browser.

func (r *jsonReport) marshal() ([]byte, error) {
	var w jsonio.Writer
	r.write(&w)
	return w.Bytes()
}

func (r *jsonReport) write(w *jsonio.Writer) {
	w.BeginObject()
	w.Key("value")
	w.Float(r.Value)
	w.Key("method")
	w.String(r.Method)
	w.Key("step")
	w.Float(r.Step)
	w.Key("layers")
	jsonio.List(w, r.Layers, (*jsonLayer).write)
	w.Key("max_rel_error")
	w.FloatOrNull(r.MaxRelError)
	w.Key("pass")
	w.Bool(r.Pass)
	w.Key("seconds")
	w.Float(r.Seconds)
	if r.GradientSource != nil {
		w.Key("gradient_source")
		w.String(*r.GradientSource)
	}
	if len(r.Diagnosis) > 0 {
		w.Key("diagnosis")
		jsonio.List(w, r.Diagnosis, (*jsonDiagnosis).write)
	}
	w.Key("outcome")
	w.String(r.Outcome)
	w.Key("judged")
	w.Int(r.Judged)
	w.Key("not_judged")
	w.Int(r.NotJudged)
	if r.Confirmation != nil {
		w.Key("confirmation")
		r.Confirmation.write(w)
	}
	if r.Learner != nil {
		w.Key("learner")
		r.Learner.write(w)
	}
	w.Key("convention")
	w.String(r.Convention)
	w.Key("verdict")
	w.String(r.Verdict)
	w.Key("max_abs_error")
	w.Float(r.MaxAbsError)
	w.Key("floor")
	w.Float(r.Floor)
	w.Key("tol")
	w.Float(r.Tol)
	if len(r.Worst) > 0 {
		w.Key("worst")
		jsonio.List(w, r.Worst, (*jsonEntry).write)
	}
	if r.Path != "" {
		w.Key("path")
		w.String(r.Path)
	}
	if r.Directional != nil {
		w.Key("directional")
		r.Directional.write(w)
	}
	w.EndObject()
}

func (l *jsonLayer) write(w *jsonio.Writer) {
	w.BeginObject()
	w.Key("dW")
	w.Rows(l.DW)
	w.Key("db")
	w.Floats(l.DB)
	w.Key("dW_numeric")
	w.Rows(l.DWNumeric)
	w.Key("db_numeric")
	w.Floats(l.DBNumeric)
	w.Key("max_rel_error")
	w.FloatOrNull(l.MaxRelError)
	if l.MaxAbsError != nil {
		w.Key("max_abs_error")
		w.Float(*l.MaxAbsError)
	}
	if l.Kinks != nil {
		w.Key("kinks")
		w.Int(*l.Kinks)
	}
	w.EndObject()
}

func (e *jsonEntry) write(w *jsonio.Writer) {
	w.BeginObject()
	if e.Layer != 0 {
		w.Key("layer")
		w.Int(e.Layer)
	}
	if e.Param != "" {
		w.Key("param")
		w.String(e.Param)
	}
	w.Key("row")
	w.Int(e.Row)
	w.Key("col")
	w.Int(e.Col)
	w.Key("analytic")
	w.Float(e.Analytic)
	w.Key("numeric")
	w.Float(e.Numeric)
	w.Key("abs_error")
	w.Float(e.AbsError)
	w.Key("rel_error")
	w.Float(e.RelError)
	w.Key("kink")
	w.Bool(e.Kink)
	w.EndObject()
}

func (d *jsonDiagnosis) write(w *jsonio.Writer) {
	w.BeginObject()
	w.Key("layer")
	w.Int(d.Layer)
	w.Key("param")
	w.String(d.Param)
	w.Key("code")
	w.StringOrNull(d.Code)
	w.Key("message")
	w.String(d.Message)
	if d.Inherits != 0 {
		w.Key("inherits")
		w.Int(d.Inherits)
	}
	w.EndObject()
}

func (t *jsonTrial) write(w *jsonio.Writer) {
	w.BeginObject()
	w.Key("method")
	w.String(t.Method)
	w.Key("step")
	w.Float(t.Step)
	w.Key("max_rel_error")
	w.FloatOrNull(t.MaxRelError)
	w.Key("judged")
	w.Int(t.Judged)
	w.Key("pass")
	w.Bool(t.Pass)
	w.EndObject()
}

func (c *jsonConfirmation) write(w *jsonio.Writer) {
	w.BeginObject()
	w.Key("cause")
	w.String(c.Cause)
	w.Key("message")
	w.String(c.Message)
	w.Key("trials")
	jsonio.List(w, c.Trials, (*jsonTrial).write)
	w.EndObject()
}

func (p *jsonLearnerParam) write(w *jsonio.Writer) {
	w.BeginObject()
	w.Key("layer")
	w.Int(p.Layer)
	w.Key("param")
	w.String(p.Param)
	w.Key("shape")
	writePair(w, p.Shape)
	w.Key("want_shape")
	writePair(w, p.WantShape)
	w.Key("max_abs_error")
	w.FloatOrNull(p.MaxAbsError)
	w.Key("max_rel_error")
	w.FloatOrNull(p.MaxRelError)
	w.Key("agree")
	w.Bool(p.Agree)
	w.Key("judged")
	w.Bool(p.Judged)
	if p.Reason != "" {
		w.Key("reason")
		w.String(p.Reason)
	}
	if p.Tol != nil {
		w.Key("tol")
		w.Float(*p.Tol)
	}
	if p.Floor != nil {
		w.Key("floor")
		w.Float(*p.Floor)
	}
	w.Key("nan")
	w.Int(p.NaN)
	w.Key("inf")
	w.Int(p.Inf)
	w.Key("kinks")
	w.Int(p.Kinks)
	if p.Inherits != 0 {
		w.Key("inherits")
		w.Int(p.Inherits)
	}
	w.EndObject()
}

func writePair(w *jsonio.Writer, p [2]int) {
	w.BeginArray()
	w.Int(p[0])
	w.Int(p[1])
	w.EndArray()
}

func (e *jsonLearnerEntry) write(w *jsonio.Writer) {
	w.BeginObject()
	w.Key("layer")
	w.Int(e.Layer)
	w.Key("param")
	w.String(e.Param)
	w.Key("row")
	w.Int(e.Row)
	w.Key("col")
	w.Int(e.Col)
	w.Key("yours")
	w.FloatOrNull(e.Yours)
	w.Key("backprop")
	w.Float(e.Backprop)
	w.Key("numeric")
	w.FloatOrNull(e.Numeric)
	w.Key("rel_error")
	w.FloatOrNull(e.RelError)
	w.EndObject()
}

func (l *jsonLearner) write(w *jsonio.Writer) {
	w.BeginObject()
	w.Key("outcome")
	w.String(l.Outcome)
	w.Key("float32")
	w.Bool(l.Float32)
	w.Key("message")
	w.String(l.Message)
	w.Key("params")
	jsonio.List(w, l.Params, (*jsonLearnerParam).write)
	w.Key("worst")
	jsonio.List(w, l.Worst, (*jsonLearnerEntry).write)
	if l.FirstWrongLayer != 0 {
		w.Key("first_wrong_layer")
		w.Int(l.FirstWrongLayer)
	}
	if len(l.KinkEntries) > 0 {
		w.Key("kink_entries")
		jsonio.List(w, l.KinkEntries, (*jsonParamRef).write)
	}
	w.Key("float64_error")
	w.FloatOrNull(l.Float64Error)
	w.EndObject()
}

func (p *jsonParamRef) write(w *jsonio.Writer) {
	w.BeginObject()
	w.Key("layer")
	w.Int(p.Layer)
	w.Key("param")
	w.String(p.Param)
	w.Key("row")
	w.Int(p.Row)
	w.Key("col")
	w.Int(p.Col)
	w.EndObject()
}

func (d *jsonDirectional) write(w *jsonio.Writer) {
	w.BeginObject()
	w.Key("stencil")
	w.String(d.Stencil)
	w.Key("seed")
	w.Uint(d.Seed)
	w.Key("directions")
	jsonio.List(w, d.Directions, (*jsonDirection).write)
	w.EndObject()
}

func (d *jsonDirection) write(w *jsonio.Writer) {
	w.BeginObject()
	w.Key("analytic")
	w.Float(d.Analytic)
	w.Key("numeric")
	w.Float(d.Numeric)
	w.Key("abs_error")
	w.Float(d.AbsError)
	w.Key("rel_error")
	w.Float(d.RelError)
	w.Key("kink")
	w.Bool(d.Kink)
	w.EndObject()
}

package formula

import (
	"sort"

	"github.com/backproof/backproof/internal/jsonio"
)

// MarshalJSON writes the result as `backproof formula --json` prints it
// (docs/contracts.md): the fields in the order of their tags, as
// encoding/json writes them (json_test.go compares the bytes), without
// the reflection encoding/json would link into the page in the browser.
func (r *Result) MarshalJSON() ([]byte, error) {
	var w jsonio.Writer
	r.writeJSON(&w)
	return w.Bytes()
}

func (r *Result) writeJSON(w *jsonio.Writer) {
	w.BeginObject()
	w.Key("convention")
	w.String(r.Convention)
	w.Key("cost")
	w.String(r.Cost)
	w.Key("reduction")
	w.String(r.Reduction)
	w.Key("activations")
	w.Strings(r.Activations)
	w.Key("dims")
	if r.Dims == nil {
		w.Null()
	} else {
		keys := make([]string, 0, len(r.Dims))
		for k := range r.Dims {
			keys = append(keys, k)
		}
		sort.Strings(keys) // as encoding/json orders a map's keys
		w.BeginObject()
		for _, k := range keys {
			w.Key(k)
			w.Int(r.Dims[k])
		}
		w.EndObject()
	}
	w.Key("results")
	jsonio.List(w, r.Results, (*LineResult).writeJSON)
	w.Key("pass")
	w.Bool(r.Pass)
	w.Key("verdict")
	w.String(string(r.Verdict))
	if len(r.Warnings) > 0 {
		w.Key("warnings")
		w.Strings(r.Warnings)
	}
	w.EndObject()
}

func (l *LineResult) writeJSON(w *jsonio.Writer) {
	w.BeginObject()
	w.Key("line")
	w.Int(l.Line)
	w.Key("name")
	w.String(l.Name)
	w.Key("text")
	w.String(l.Text)
	w.Key("checked")
	w.Bool(l.Checked)
	w.Key("status")
	w.String(string(l.Status))
	w.Key("shape")
	w.String(l.Shape)
	w.Key("want_shape")
	w.String(l.WantShape)
	w.Key("max_rel_error")
	w.FloatOrNull(l.MaxRelError)
	w.Key("diagnosis")
	if l.Diagnosis == nil {
		w.Null()
	} else {
		w.BeginArray()
		for _, c := range l.Diagnosis {
			w.String(string(c))
		}
		w.EndArray()
	}
	w.Key("message")
	w.String(l.Message)
	if len(l.Notes) > 0 {
		w.Key("notes")
		w.Strings(l.Notes)
	}
	if l.Col != 0 {
		w.Key("col")
		w.Int(l.Col)
	}
	w.EndObject()
}

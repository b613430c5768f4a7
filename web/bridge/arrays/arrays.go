// Package arrays is what the page computes with a learner's arrays: the
// check of `backproof check PROBLEM --gradient G` on the bytes of the
// files, and where the learner's entries differ. It is apart from package
// bridge because it carries backproof's whole check of a gradient (finite
// differences, the double-double reference, the numpy reader), which
// bridge's tests and a check of a derivation do not need.
package arrays

import (
	"bytes"
	"errors"
	"strconv"
	"strings"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/gradfile"
	"github.com/backproof/backproof/internal/jsonio"
	"github.com/backproof/backproof/internal/printf"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
	"github.com/backproof/backproof/render"
	"github.com/backproof/backproof/web/bridge"
	"gonum.org/v1/gonum/mat"
)

// File is a file the page was given: its name and its bytes.
type File struct {
	Name string
	Data []byte
}

// Folder names the .npy files given together, as the folder that would
// hold them on the command line.
const Folder = "gradient"

// Heat is where one of the learner's arrays differs from backpropagation:
// the relative error of every entry (compare.RelError), in the layout of
// the parameter; nil when the array's shape is not the parameter's.
type Heat struct {
	Layer int         `json:"layer"`
	Param string      `json:"param"` // "W" or "b"
	Rel   [][]float64 `json:"rel"`
}

// Output is Check's output: the command's, and the heat maps.
type Output struct {
	bridge.Output
	Heat []Heat `json:"heat"`
}

// Check is `backproof check PROBLEM --gradient G ARGS…` with the
// problem file's bytes and the gradient's files: one .npz or .json file,
// or the .npy files of a folder (named Folder). args may hold
// --json and --max-memory. With --json, Heat holds a heat map for every
// array of the learner's.
func Check(problemName string, problemData []byte, files []File, args []string) Output {
	var heat []Heat
	o := bridge.Run(func(stdout *bytes.Buffer, say func(string)) (string, error) {
		fs := bridge.NewFlagSet()
		var asJSON bool
		fs.Var(boolValue{&asJSON}, "json")
		var limit budget.Bytes = budget.Default
		fs.Var(bytesValue{&limit}, "max-memory")
		if err := fs.Parse(args); err != nil {
			return "", bridge.BadInput(err)
		}
		if fs.NArg() > 0 {
			return "", bridge.BadInput(printf.Errorf("%q is not a flag: give --name value pairs", fs.Arg(0)))
		}
		m, err := numgrad.ParseMethod("central")
		if err != nil {
			return "", err
		}
		set := &backproof.Settings{Method: m, Criteria: compare.Criteria{Worst: 5}, Seed: 1}
		if err := set.Validate(); err != nil {
			return "", err
		}
		p, err := parseProblem(problemName, problemData, limit)
		if err != nil {
			return "", bridge.BadInput(err)
		}
		what := printf.Sprintf("a check of %d parameters", p.Net.NumParams())
		if err := budget.Check(what, p.Memory().Plus(backproof.Memory(p, set)), limit); err != nil {
			return "", bridge.BadInput(err)
		}
		g, err := readGradient(files, p, limit)
		if err != nil {
			return "", bridge.BadInput(printf.Errorf("--gradient: %v", err))
		}
		r, err := backproof.CheckGradient(p, g, set)
		if err != nil {
			var nonFinite *backproof.ErrNonFinite
			if errors.As(err, &nonFinite) {
				err = printf.Errorf("%s: %w", problemName, err)
			}
			return "", bridge.BadInput(err)
		}
		var text bytes.Buffer
		render.WriteGradient(&text, r)
		if asJSON {
			raw, err := render.GradientJSON(r)
			if err != nil {
				return "", printf.Errorf("writing the JSON report: %v", err)
			}
			stdout.Write(raw)
			stdout.WriteByte('\n')
			heat = heatMaps(r, g)
		} else {
			stdout.Write(text.Bytes())
		}
		if !r.Pass() {
			return text.String(), bridge.Mismatch()
		}
		return text.String(), nil
	})
	return Output{Output: o, Heat: heat}
}

// boolValue is --json.
type boolValue struct{ p *bool }

func (v boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	*v.p = b
	return err
}
func (v boolValue) String() string { return strconv.FormatBool(*v.p) }
func (v boolValue) Type() string   { return "bool" }

// bytesValue is --max-memory, read as the command line reads it.
type bytesValue struct{ b *budget.Bytes }

func (v bytesValue) Set(s string) error { return v.b.UnmarshalText([]byte(s)) }
func (v bytesValue) Type() string       { return "bytes" }
func (v bytesValue) String() string {
	text, _ := v.b.MarshalText()
	return string(text)
}

// parseProblem is problem.LoadWithin on the file's bytes.
func parseProblem(name string, data []byte, limit budget.Bytes) (*problem.Problem, error) {
	most := problem.FileLimit(limit)
	if budget.Bytes(len(data)) > most {
		return nil, &problem.Error{File: name, Msg: printf.Sprintf("the file has %v, more than the %v a problem file may have under the memory limit of %v",
			budget.Bytes(len(data)), most, most*64)}
	}
	p, err := problem.Parse(name, data)
	if err != nil {
		return nil, err
	}
	if err := budget.Check(printf.Sprintf("checking the problem in %s (layer sizes %s, a batch of %d)", name, sizes(p), p.Batch()),
		p.Memory(), limit); err != nil {
		return nil, err
	}
	return p, nil
}

func sizes(p *problem.Problem) string {
	s := make([]string, 0, len(p.Net.Layers)+1)
	for _, n := range p.Net.Sizes() {
		s = append(s, printf.Sprint(n))
	}
	return strings.Join(s, ",")
}

// readGradient reads the learner's files: one .npz or .json file, or .npy
// files, as a folder of them.
func readGradient(files []File, p *problem.Problem, limit budget.Bytes) (*backproof.Gradient, error) {
	switch {
	case len(files) == 0:
		return nil, errors.New("no file given: give an .npz archive, a .json file, or the .npy files dW1.npy, db1.npy, …")
	case len(files) == 1:
		return gradfile.Read(files[0].Name, files[0].Data, p, limit)
	}
	arrays := map[string][]byte{}
	for _, f := range files {
		if !strings.HasSuffix(f.Name, ".npy") {
			return nil, printf.Errorf("%s: with several files, each is one array, dW1.npy, db1.npy, …; give an .npz or .json file alone", f.Name)
		}
		arrays[f.Name] = f.Data
	}
	return gradfile.ReadArrays(Folder, arrays, p)
}

// heatMaps are the relative errors of every entry of the learner's arrays
// against backpropagation's (the report's layers' dW and db).
func heatMaps(r *backproof.GradientResult, g *backproof.Gradient) []Heat {
	bp := &r.Entries.Backprop
	if r.Directions != nil {
		bp = &r.Directions.Backprop
	}
	analytic := bp.Analytic
	var out []Heat
	for i, l := range bp.Problem.Net.Layers {
		rows, cols := l.W.Dims()
		dW := problem.Rows(mat.NewDense(rows, cols, analytic[:rows*cols]))
		db := analytic[rows*cols : rows*cols+len(l.B)]
		analytic = analytic[rows*cols+len(l.B):]
		h := Heat{Layer: i + 1, Param: "W"}
		if i < len(g.DW) && g.DW[i] != nil {
			h.Rel = relErrors(g.DW[i], dW)
		}
		out = append(out, h)
		h = Heat{Layer: i + 1, Param: "b"}
		switch {
		case i < len(g.DB) && g.DB[i] != nil && len(g.DB[i]) == len(db):
			h.Rel = relErrors(mat.NewDense(1, len(db), g.DB[i]), [][]float64{db})
		case i < len(g.DBMatrix) && g.DBMatrix[i] != nil:
			h.Rel = relErrors(g.DBMatrix[i], [][]float64{db})
		}
		out = append(out, h)
	}
	return out
}

// relErrors is compare.RelError entry by entry, nil when the shapes differ.
func relErrors(yours *mat.Dense, backprop [][]float64) [][]float64 {
	r, c := yours.Dims()
	if r != len(backprop) || (r > 0 && c != len(backprop[0])) {
		return nil
	}
	out := make([][]float64, r)
	for i := range out {
		out[i] = make([]float64, c)
		for j := range out[i] {
			out[i][j] = compare.RelError(yours.At(i, j), backprop[i][j])
		}
	}
	return out
}

// JSON is the output as the page reads it: the command's output
// (bridge.Output.JSON) with the heat maps.
func (o *Output) JSON() ([]byte, error) {
	var w jsonio.Writer
	w.BeginObject()
	o.Output.Fields(&w)
	w.Key("heat")
	jsonio.List(&w, o.Heat, (*Heat).write)
	w.EndObject()
	return w.Bytes()
}

func (h *Heat) write(w *jsonio.Writer) {
	w.BeginObject()
	w.Key("layer")
	w.Int(h.Layer)
	w.Key("param")
	w.String(h.Param)
	w.Key("rel")
	w.Rows(h.Rel)
	w.EndObject()
}

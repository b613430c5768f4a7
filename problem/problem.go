package problem

import (
	"bufio"
	"bytes"
	"encoding"
	"errors"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/jsonio"
	"github.com/backproof/backproof/internal/printf"
	"gonum.org/v1/gonum/mat"
)

// Problem is a network with its cost and one batch, all in the layout of
// Net.Convention.
type Problem struct {
	Net  *derive.Net
	X, Y *mat.Dense
}

// Batch is the number of examples m.
func (p *Problem) Batch() int {
	r, c := p.X.Dims()
	if p.Net.Convention.ColumnLayout() {
		return c
	}
	return r
}

// Error is a problem with a problem file: which file, and where in it.
type Error struct {
	File string
	Path string // JSON path such as layers[1].W[0][2]; empty for syntax errors
	Line int    // 1-based, for syntax errors; 0 when unknown
	Col  int
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		printf.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Load reads and validates a problem file within the default memory limit
// (budget.Default).
func Load(path string) (*Problem, error) { return LoadWithin(path, 0) }

// FileLimit is the largest problem file LoadWithin reads under a memory
// limit (0: budget.Default): a sixty-fourth of it, 64 MiB at the default.
// Decoding holds every number as text and as an interface value before
// the matrices are built, about 8 bytes of memory for each byte of file,
// and a check needs some 150 bytes for each parameter, which can take as
// little as 2 bytes of file ("0,"). 64 MiB is twice the file of the
// largest problem the docs show, [784,1000,1000,10].
func FileLimit(limit budget.Bytes) budget.Bytes {
	if limit <= 0 {
		limit = budget.Default
	}
	return limit / 64
}

// LoadWithin reads and validates a problem file, reading no more than
// FileLimit(limit) bytes of it: a file that is larger, or a device that
// never ends, is refused with the file and the limit named. The file is
// decoded as it is read, so input that is not JSON (/dev/zero) is refused
// at its first byte.
func LoadWithin(path string, limit budget.Bytes) (*Problem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Msg: printf.Sprintf("cannot read the problem file: %v", unwrapPath(err))}
	}
	defer f.Close()
	most := FileLimit(limit)
	tooLarge := func(size string) error {
		return &Error{File: path, Msg: printf.Sprintf("%s, more than the %v a problem file may have under the memory limit of %v",
			size, most, most*64)}
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && budget.Bytes(fi.Size()) > most {
		return nil, tooLarge(printf.Sprintf("the file has %v", budget.Bytes(fi.Size())))
	}
	// The reader keeps the bytes read, to place a syntax error by line and
	// column; the limit bounds them.
	lr := &io.LimitedReader{R: f, N: int64(most) + 1}
	top, err := decode(path, jsonio.NewReader(SkipBOM(lr)))
	if lr.N <= 0 {
		return nil, tooLarge("the file is larger")
	}
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, &Error{File: path, Msg: printf.Sprintf("cannot read the problem file: %v", pe.Err)}
		}
		return nil, err
	}
	p, err := build(path, top)
	if err != nil {
		return nil, err
	}
	// The file bounds the problem, not the check of it: a parameter
	// written as "0," costs the check a hundred times its size.
	if err := budget.Check(printf.Sprintf("checking the problem in %s (layer sizes %s, a batch of %d)", path, joinInts(p.Net.Sizes()), p.Batch()),
		p.Memory(), limit); err != nil {
		return nil, err
	}
	return p, nil
}

// Memory estimates what checking p takes, as Spec.Memory does for a
// problem drawn with p's sizes and batch.
func (p *Problem) Memory() budget.Bytes {
	return Spec{Sizes: p.Net.Sizes(), Batch: p.Batch()}.Memory()
}

// bom is the UTF-8 byte order mark that Windows Notepad writes at the
// start of a file saved as UTF-8.
var bom = []byte("\xef\xbb\xbf")

// SkipBOM returns r without a UTF-8 byte order mark at its start: JSON
// forbids one (RFC 8259 §8.1) but allows readers to ignore it, and a file
// saved by Notepad has one. Lines and columns are then counted from the
// first byte after it, as an editor counts them.
func SkipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	if head, _ := br.Peek(len(bom)); bytes.Equal(head, bom) {
		br.Discard(len(bom))
	}
	return br
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Parse validates a problem file's contents; name is used in errors.
func Parse(name string, data []byte) (*Problem, error) {
	data = bytes.TrimPrefix(data, bom)
	top, err := decode(name, jsonio.NewBytes(data))
	if err != nil {
		return nil, err
	}
	return build(name, top)
}

func build(name string, top any) (*Problem, error) {
	r := &reader{file: name}
	p := r.problem(top)
	if r.err != nil {
		return nil, r.err
	}
	return p, nil
}

func syntaxError(name string, data []byte, err error) error {
	var se *jsonio.SyntaxError
	switch {
	case errors.As(err, &se):
		line, col := position(data, se.Offset)
		msg := "invalid JSON: " + se.Error()
		if bytes.Contains(data, []byte("NaN")) || bytes.Contains(data, []byte("Infinity")) {
			msg += " (JSON has no NaN or Infinity; every number must be finite)"
		}
		return &Error{File: name, Line: line, Col: col, Msg: msg}
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		line, col := position(data, len(data))
		return &Error{File: name, Line: line, Col: col, Msg: "truncated JSON: the file ends before the object is closed"}
	}
	return &Error{File: name, Msg: "invalid JSON: " + err.Error()}
}

// position turns a byte offset into a 1-based line and column.
func position(data []byte, off int) (line, col int) {
	if off > len(data) {
		off = len(data)
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = off - bytes.LastIndexByte(before, '\n')
	return line, col
}

// reader walks the decoded JSON, keeping the first error with its path.
type reader struct {
	file string
	err  *Error
}

func (r *reader) fail(path, format string, args ...any) {
	if r.err == nil {
		r.err = &Error{File: r.file, Path: path, Msg: printf.Sprintf(format, args...)}
	}
}

// MaxLayers is the deepest network a problem may have. An entry's finite
// difference runs the layers after it, so an entry-by-entry check takes
// time growing with the square of the depth: 1000 layers of two units
// take about half a second, 5000 ten seconds, and a problem file within
// FileLimit could hold a million.
const MaxLayers = 1000

var fields = []string{"convention", "cost", "reduction", "lambda", "lambda_n", "layers", "X", "Y"}
var layerFields = []string{"activation", "W", "b", "keep_prob", "D"}

func (r *reader) object(path string, v any, known []string) map[string]any {
	obj, ok := v.(map[string]any)
	if !ok {
		r.fail(path, "want a JSON object, found %s", kind(v))
		return nil
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !contains(known, k) {
			r.fail(join(path, k), "unknown field %q (the fields are %s)", k, strings.Join(known, ", "))
		}
	}
	return obj
}

func (r *reader) problem(top any) *Problem {
	obj := r.object("", top, fields)
	if obj == nil {
		return nil
	}
	conv := name[derive.Convention](r, obj, "convention")
	cost := name[derive.Cost](r, obj, "cost")
	red := name[derive.Reduction](r, obj, "reduction")
	net := &derive.Net{Convention: conv, Cost: cost, Reduction: red, L2: r.l2(obj)}
	layers, ok := obj["layers"].([]any)
	if !ok {
		r.fail("layers", "missing or not a list: want a list of layers, each {\"activation\", \"W\", \"b\"}")
		return nil
	}
	if len(layers) == 0 {
		r.fail("layers", "the network has no layers")
		return nil
	}
	if len(layers) > MaxLayers {
		r.fail("layers", "%d layers, more than the %d a problem may have: an entry-by-entry check takes time growing with the square of the depth", len(layers), MaxLayers)
		return nil
	}
	for i, lv := range layers {
		path := printf.Sprintf("layers[%d]", i)
		lo := r.object(path, lv, layerFields)
		if lo == nil {
			return nil
		}
		act := name[derive.Activation](r, lo, "activation", path)
		W := r.matrix(join(path, "W"), lo["W"])
		b := r.vector(join(path, "b"), lo["b"])
		drop := r.dropout(path, lo)
		if r.err != nil {
			return nil
		}
		net.Layers = append(net.Layers, derive.Layer{W: W, B: b, Act: act, Drop: drop})
	}
	X := r.matrix("X", obj["X"])
	Y := r.matrix("Y", obj["Y"])
	if r.err != nil {
		return nil
	}
	r.shapes(net, X, Y)
	r.masks(net, X)
	r.values(net, Y)
	if r.err != nil {
		return nil
	}
	return &Problem{Net: net, X: X, Y: Y}
}

// l2 reads the optional L2 term: "lambda" (λ ≥ 0) and "lambda_n" (N, a
// whole number ≥ 1; absent, m for a mean cost and 1 for a sum).
func (r *reader) l2(obj map[string]any) derive.L2 {
	var l derive.L2
	if v, ok := obj["lambda"]; ok {
		l.Lambda = r.number("lambda", v)
		if l.Lambda < 0 {
			r.fail("lambda", "λ = %g: want λ ≥ 0 (0 is no L2 term)", l.Lambda)
		}
	}
	if v, ok := obj["lambda_n"]; ok {
		n := r.number("lambda_n", v)
		if n < 1 || n != math.Trunc(n) || n > 1e15 {
			r.fail("lambda_n", "N = %g: want a whole number ≥ 1 that λ is divided by (Nielsen's n, the training set's size; Ng's m, the batch; or 1), or leave it out for m with a mean cost and 1 with a sum", n)
		}
		l.N = int(n)
	}
	return l
}

// dropout reads a layer's optional "keep_prob" (p in (0, 1]) and "D" (its
// mask, 0s and 1s shaped like the layer's A); one needs the other.
func (r *reader) dropout(path string, lo map[string]any) *derive.Dropout {
	kv, hasKeep := lo["keep_prob"]
	dv, hasD := lo["D"]
	switch {
	case !hasKeep && !hasD:
		return nil
	case !hasKeep:
		r.fail(join(path, "keep_prob"), "missing: a layer with a dropout mask D needs its keep probability p, with A = (D ⊙ f(Z))/p")
		return nil
	case !hasD:
		r.fail(join(path, "D"), "missing: a layer with keep_prob needs its mask D (0s and 1s shaped like its A), so that the gradient is one function; `backproof check --net … --keep-prob P --save FILE` draws one")
		return nil
	}
	p := r.number(join(path, "keep_prob"), kv)
	if r.err == nil && !(p > 0 && p <= 1) {
		r.fail(join(path, "keep_prob"), "p = %g: want a keep probability 0 < p ≤ 1", p)
	}
	D := r.matrix(join(path, "D"), dv)
	if r.err != nil {
		return nil
	}
	rows, cols := D.Dims()
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			if v := D.At(i, j); v != 0 && v != 1 {
				r.fail(printf.Sprintf("%s.D[%d][%d]", path, i, j), "%g: a dropout mask holds 0 (dropped) or 1 (kept); the division by p is keep_prob's", v)
				return nil
			}
		}
	}
	return &derive.Dropout{Keep: p, Mask: D}
}

// masks checks that each dropout mask is shaped like its layer's A and
// that the output layer has none.
func (r *reader) masks(net *derive.Net, X *mat.Dense) {
	sizes := net.Sizes()
	m := numExamples(net.Convention, X)
	for i, l := range net.Layers {
		if l.Drop == nil {
			continue
		}
		path := printf.Sprintf("layers[%d]", i)
		if i == len(net.Layers)-1 {
			r.fail(join(path, "D"), "dropout on the output layer: dropout is for hidden layers (the output is compared with Y)")
			return
		}
		wr, wc, layout := m, sizes[i+1], "m×n"
		if net.Convention.ColumnLayout() {
			wr, wc, layout = wc, wr, "n×m"
		}
		layout += printf.Sprint(i + 1)
		if dr, dc := l.Drop.Mask.Dims(); dr != wr || dc != wc {
			r.fail(join(path, "D"), "D%d is %d×%d but A%d is %s = %d×%d in the %v convention", i+1, dr, dc, i+1, layout, wr, wc, net.Convention)
			return
		}
	}
}

func numExamples(c derive.Convention, X *mat.Dense) int {
	r, cols := X.Dims()
	if c.ColumnLayout() {
		return cols
	}
	return r
}

// name reads a named value (convention, cost…) through its UnmarshalText,
// the parser the flags use too.
func name[T any, PT interface {
	*T
	encoding.TextUnmarshaler
}](r *reader, obj map[string]any, key string, within ...string) T {
	var zero T
	path := join(strings.Join(within, ""), key)
	v, ok := obj[key]
	if !ok {
		r.fail(path, "missing")
		return zero
	}
	s, ok := v.(string)
	if !ok {
		r.fail(path, "want a string, found %s", kind(v))
		return zero
	}
	var t T
	if err := PT(&t).UnmarshalText([]byte(s)); err != nil {
		r.fail(path, "%v", err)
	}
	return t
}

func (r *reader) number(path string, v any) float64 {
	n, ok := v.(number)
	if !ok {
		r.fail(path, "want a number, found %s", kind(v))
		return 0
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		r.fail(path, "%s is not a finite float64", string(n))
		return 0
	}
	return f
}

func (r *reader) vector(path string, v any) []float64 {
	list, ok := v.([]any)
	if !ok {
		r.fail(path, "missing or not a list of numbers (found %s)", kind(v))
		return nil
	}
	out := make([]float64, len(list))
	for i, e := range list {
		if n, ok := e.(number); ok { // the common case, without making a path
			if f, err := strconv.ParseFloat(string(n), 64); err == nil && !math.IsInf(f, 0) {
				out[i] = f
				continue
			}
		}
		out[i] = r.number(printf.Sprintf("%s[%d]", path, i), e)
	}
	return out
}

func (r *reader) matrix(path string, v any) *mat.Dense {
	rows, ok := v.([]any)
	if !ok {
		r.fail(path, "missing or not a matrix: want a list of rows, each a list of numbers (found %s)", kind(v))
		return nil
	}
	if len(rows) == 0 {
		r.fail(path, "empty matrix")
		return nil
	}
	var data []float64
	cols := -1
	for i, rv := range rows {
		rp := printf.Sprintf("%s[%d]", path, i)
		row := r.vector(rp, rv)
		if r.err != nil {
			return nil
		}
		if cols >= 0 && len(row) != cols {
			r.fail(rp, "row has %d numbers but row 0 has %d: a matrix needs rows of equal length", len(row), cols)
			return nil
		}
		if len(row) == 0 {
			r.fail(rp, "empty row")
			return nil
		}
		cols = len(row)
		data = append(data, row...)
	}
	return mat.NewDense(len(rows), cols, data)
}

// shapes checks that X, the W^ℓ, the b^ℓ and Y chain in the convention's layout.
func (r *reader) shapes(net *derive.Net, X, Y *mat.Dense) {
	col := net.Convention.ColumnLayout()
	xr, xc := X.Dims()
	in, m := xc, xr
	layout := "m×n0 (one example a row)"
	if col {
		in, m = xr, xc
		layout = "n0×m (one example a column)"
	}
	prev := in
	for i, l := range net.Layers {
		ℓ := i + 1
		wr, wc := l.W.Dims()
		wIn, wOut, want := wr, wc, printf.Sprintf("n%d×n%d", ℓ-1, ℓ)
		if col {
			wIn, wOut, want = wc, wr, printf.Sprintf("n%d×n%d", ℓ, ℓ-1)
		}
		path := printf.Sprintf("layers[%d]", i)
		if wIn != prev {
			what := printf.Sprintf("layer %d has %d units", ℓ-1, prev)
			if ℓ == 1 {
				what = printf.Sprintf("X is %d×%d (%s), so n0 = %d", xr, xc, layout, prev)
			}
			r.fail(join(path, "W"), "W%d is %d×%d but %s: in the %v convention W%d must be %s", ℓ, wr, wc, what, net.Convention, ℓ, want)
			return
		}
		if len(l.B) != wOut {
			r.fail(join(path, "b"), "b%d has %d numbers but W%d (%d×%d) gives layer %d %d units", ℓ, len(l.B), ℓ, wr, wc, ℓ, wOut)
			return
		}
		if !l.Act.Elementwise() && ℓ != len(net.Layers) {
			r.fail(join(path, "activation"), "%v is only allowed on the output layer", l.Act)
			return
		}
		if !l.Act.Elementwise() && wOut < 2 {
			r.fail(join(path, "activation"), "softmax over 1 output: a = e^z/e^z is always 1, so the cost does not depend on the parameters; use sigmoid for one output, or 2 or more outputs")
			return
		}
		prev = wOut
	}
	yr, yc := Y.Dims()
	yOut, ym, ylayout, wantR, wantC := yc, yr, "m×nL", m, prev
	if col {
		yOut, ym, ylayout, wantR, wantC = yr, yc, "nL×m", prev, m
	}
	if yOut != prev || ym != m {
		r.fail("Y", "Y is %d×%d but the network has %d outputs and X holds %d examples: in the %v convention Y must be %s = %d×%d",
			yr, yc, prev, m, net.Convention, ylayout, wantR, wantC)
	}
}

// values checks what the cost needs of the targets and the output layer.
func (r *reader) values(net *derive.Net, Y *mat.Dense) {
	out := net.Layers[len(net.Layers)-1].Act
	L := len(net.Layers) - 1
	if net.Cost.UnitOutputs() && !out.UnitOutputs() {
		r.fail(printf.Sprintf("layers[%d].activation", L), "%v needs outputs in (0,1) to take logarithms: use %s output layer, not %v", net.Cost, derive.UnitOutputNames(), out)
		return
	}
	if !net.Cost.UnitTargets() {
		return
	}
	yr, yc := Y.Dims()
	for i := 0; i < yr; i++ {
		for j := 0; j < yc; j++ {
			if y := Y.At(i, j); y < 0 || y > 1 {
				r.fail(printf.Sprintf("Y[%d][%d]", i, j), "%v targets must lie in [0,1], found %g", net.Cost, y)
				return
			}
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "nothing"
	case string:
		return "a string"
	case number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return "a value decode does not make" // none: decode makes only the kinds above
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Package gradfile reads a learner's own gradient from the files numpy and
// JSON write: an .npz archive (np.savez), a folder of .npy files (np.save),
// or JSON that mirrors the problem file.
package gradfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/internal/jsonio"
	"github.com/backproof/backproof/internal/printf"
	"github.com/backproof/backproof/problem"
	"gonum.org/v1/gonum/mat"
)

// Load reads the gradient at path for problem p: one dW and one db array
// per layer, named dW1, db1, dW2, db2, … and laid out in p's convention.
// path is an .npz file, a .json file, or a folder of dW1.npy, db1.npy, ….
//
// An array of the wrong shape is read as it is: that is the learner's
// mistake, which backproof.CheckGradient names. An error means the file
// cannot be judged at all (unreadable, not a gradient, an array missing or
// absurdly large), and names the file and the array.
func Load(path string, p *problem.Problem) (*backproof.Gradient, error) {
	return LoadWithin(path, p, 0)
}

// LoadWithin is Load under a memory limit (0: budget.Default): a JSON
// file may be as large as a problem file (problem.FileLimit), and every
// array is bounded by its layer's size before it is read.
func LoadWithin(path string, p *problem.Problem, limit budget.Bytes) (*backproof.Gradient, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	var g *backproof.Gradient
	switch {
	case info.IsDir():
		g, err = loadFolder(path, p)
	case strings.EqualFold(filepath.Ext(path), ".npz"):
		g, err = loadNPZ(path, p)
	case strings.EqualFold(filepath.Ext(path), ".json"):
		g, err = loadJSON(path, p, limit)
	case strings.EqualFold(filepath.Ext(path), ".npy"):
		return nil, printf.Errorf("%s: a .npy file holds one array, but a gradient is 2L arrays: save them together with "+
			"np.savez(\"mine.npz\", dW1=…, db1=…, …), or pass the folder that holds dW1.npy, db1.npy, …", path)
	default:
		return nil, printf.Errorf("%s: want an .npz archive, a .json file, or a folder of .npy files", path)
	}
	if err != nil {
		return nil, err
	}
	g.Source = path
	return g, nil
}

// Read is LoadWithin on a file's content instead of its path, for a
// program that holds the bytes and no file system (the page in the
// browser): name is the file's name, whose extension says its format
// (.npz or .json), and names it in errors.
func Read(name string, data []byte, p *problem.Problem, limit budget.Bytes) (*backproof.Gradient, error) {
	var g *backproof.Gradient
	var err error
	switch {
	case strings.EqualFold(filepath.Ext(name), ".npz"):
		g, err = readNPZ(name, bytes.NewReader(data), int64(len(data)), p)
	case strings.EqualFold(filepath.Ext(name), ".json"):
		most := problem.FileLimit(limit)
		if budget.Bytes(len(data)) > most {
			return nil, printf.Errorf("%s: the file has %v, more than the %v a gradient file may have under the memory limit of %v (as a problem file)",
				name, budget.Bytes(len(data)), most, most*64)
		}
		data, _ = io.ReadAll(problem.SkipBOM(bytes.NewReader(data)))
		g, err = readJSON(name, data, p)
	case strings.EqualFold(filepath.Ext(name), ".npy"):
		return nil, printf.Errorf("%s: a .npy file holds one array, but a gradient is 2L arrays: save them together with "+
			"np.savez(\"mine.npz\", dW1=…, db1=…, …), or give every .npy file of the gradient (dW1.npy, db1.npy, …) at once", name)
	default:
		return nil, printf.Errorf("%s: want an .npz archive, a .json file, or .npy files", name)
	}
	if err != nil {
		return nil, err
	}
	g.Source = name
	return g, nil
}

// ReadArrays is LoadWithin on a folder of .npy files given as their
// contents by file name (dW1.npy, db1.npy, …); dir names them in errors
// as the folder would.
func ReadArrays(dir string, files map[string][]byte, p *problem.Problem) (*backproof.Gradient, error) {
	var have []string
	for name := range files {
		if strings.HasSuffix(name, ".npy") {
			have = append(have, strings.TrimSuffix(name, ".npy"))
		}
	}
	sort.Strings(have)
	if err := noExtraLayers(dir, p, have); err != nil {
		return nil, err
	}
	layerOf := layerIndex(p)
	g, err := assemble(p, dir, func(name string) (*array, error) {
		data, ok := files[name+".npy"]
		if !ok {
			return nil, nil
		}
		return readNPY(bytes.NewReader(data), filepath.Join(dir, name+".npy"), limit(p, layerOf[name]))
	}, have)
	if err != nil {
		return nil, err
	}
	g.Source = dir
	return g, nil
}

// names are the array names of layer ℓ.
func names(ℓ int) (dw, db string) { return printf.Sprintf("dW%d", ℓ), printf.Sprintf("db%d", ℓ) }

// limit is the most entries an array of layer ℓ may have to be read: its
// parameter's size, or an unsummed bias (m×n_ℓ), with room to spare. A
// larger array is no gradient of this network, and reading it could
// exhaust memory.
func limit(p *problem.Problem, ℓ int) int {
	r, c := p.Net.Layers[ℓ-1].W.Dims()
	return 4 * (r*c + p.Batch()*len(p.Net.Layers[ℓ-1].B) + 1)
}

// maxHeader is the largest .npy header read, numpy's own default limit
// (max_header_size, numpy 1.24 on): a header is one short line of a
// Python dict, and a version 2 header's 4-byte length would otherwise be
// allocated, up to 4 GB, before anything else is checked.
const maxHeader = 10000

// npyHeader reads the .npy preamble and header from r and returns them,
// checked: the magic string, version 1 or 2, a header of at most
// maxHeader bytes ending in a newline, holding numpy's dict with its keys
// in numpy's order, {'descr': …, 'fortran_order': …, 'shape': (…), }.
func npyHeader(r io.Reader) ([]byte, error) {
	pre := make([]byte, 8, 12)
	if _, err := io.ReadFull(r, pre); err != nil {
		return nil, errors.New("shorter than an .npy header")
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return nil, errors.New(`it does not start with "\x93NUMPY", as np.save writes`)
	}
	var n int
	switch pre[6] {
	case 1:
		pre = pre[:10]
		if _, err := io.ReadFull(r, pre[8:]); err != nil {
			return nil, errors.New("shorter than an .npy header")
		}
		n = int(pre[8]) | int(pre[9])<<8
	case 2:
		pre = pre[:12]
		if _, err := io.ReadFull(r, pre[8:]); err != nil {
			return nil, errors.New("shorter than an .npy header")
		}
		n = int(pre[8]) | int(pre[9])<<8 | int(pre[10])<<16 | int(pre[11])<<24
	default:
		return nil, printf.Errorf(".npy format version %d.%d; np.save writes 1.0 (2.0 for huge headers)", pre[6], pre[7])
	}
	if n > maxHeader {
		return nil, printf.Errorf("a header of %d bytes; numpy's own reader stops at %d", n, maxHeader)
	}
	header := make([]byte, n)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, printf.Errorf("the header is cut short (%d bytes announced)", n)
	}
	text := string(header)
	descr, order, shape := strings.Index(text, "'descr': "), strings.Index(text, "'fortran_order': "), strings.Index(text, "'shape': ")
	end := strings.LastIndexByte(text, '}')
	if !strings.HasSuffix(text, "\n") || !strings.HasPrefix(text, "{") || descr < 0 || order < 0 || shape < 0 ||
		!(descr < order && order < shape && shape < end) ||
		descr+len("'descr': ") > order-2 || order+len("'fortran_order': ") > shape-2 || shape+len("'shape': ") > end-2 {
		return nil, errors.New(`its header is not numpy's {'descr': …, 'fortran_order': …, 'shape': (…), } on one line`)
	}
	return append(pre, header...), nil
}

// array is one array as read: its numbers, row by row, and its shape
// (one number for a numpy vector).
type array struct {
	data    []float64
	shape   []int
	float32 bool
}

// readNPY reads one .npy stream, checking its header before reading.
func readNPY(r io.Reader, where string, max int) (a *array, err error) {
	header, err := npyHeader(r)
	if err != nil {
		return nil, printf.Errorf("%s: not a numpy array: %v", where, err)
	}
	h, err := parseHeader(header)
	if err != nil {
		return nil, printf.Errorf("%s: not a numpy array: %v", where, err)
	}
	if len(h.shape) > 2 {
		return nil, printf.Errorf("%s: an array of %d dimensions %v; a gradient array has two (dW: like W) or one or two (db)", where, len(h.shape), h.shape)
	}
	n := 1
	for _, d := range h.shape {
		if d < 0 || n > max || d > max {
			n = max + 1
			break
		}
		n *= d
	}
	if n > max {
		return nil, printf.Errorf("%s: shape %v is far larger than any gradient array of this network (at most %d entries are read)", where, h.shape, max)
	}
	a = &array{shape: h.shape, float32: h.size == 4}
	if h.size == 0 {
		return nil, printf.Errorf("%s: numbers of type %q; a gradient is float64 or float32 (np.float64, np.float32)", where, h.descr)
	}
	raw := make([]byte, n*h.size)
	if got, err := io.ReadFull(r, raw); err != nil {
		return nil, printf.Errorf("%s: %d numbers for shape %v: the file is truncated", where, got/h.size, h.shape)
	}
	a.data = make([]float64, n)
	for i := range a.data {
		b := raw[i*h.size : (i+1)*h.size]
		if h.size == 8 {
			a.data[i] = math.Float64frombits(h.order.Uint64(b))
		} else {
			a.data[i] = float64(math.Float32frombits(h.order.Uint32(b)))
		}
	}
	if h.fortran && len(a.shape) == 2 {
		// Column-major on disk: transpose into rows.
		rows, cols := a.shape[0], a.shape[1]
		t := make([]float64, n)
		for j := 0; j < cols; j++ {
			for i := 0; i < rows; i++ {
				t[i*cols+j] = a.data[j*rows+i]
			}
		}
		a.data = t
	}
	return a, nil
}

// npyDescr is what an .npy header says of its numbers.
type npyDescr struct {
	descr   string           // numpy's, such as "<f8"
	size    int              // 8 for float64, 4 for float32, 0 for any other type
	order   binary.ByteOrder // of each number
	fortran bool             // column-major
	shape   []int
}

// parseHeader reads the preamble and header npyHeader returned, whose keys
// it has found in numpy's order: {'descr': '<f8', 'fortran_order': False,
// 'shape': (3, 4), }.
func parseHeader(header []byte) (npyDescr, error) {
	var h npyDescr
	text := string(header)
	value := func(key string) string {
		i := strings.Index(text, "'"+key+"': ")
		v := text[i+len(key)+4:]
		end := strings.IndexAny(v, ",)")
		if strings.HasPrefix(v, "(") {
			end = strings.IndexByte(v, ')') + 1
		}
		if end <= 0 {
			return ""
		}
		return v[:end]
	}
	descr := value("descr")
	if len(descr) < 2 || descr[0] != '\'' || descr[len(descr)-1] != '\'' {
		return h, printf.Errorf("its type is %s, not a quoted numpy type such as '<f8'", descr)
	}
	h.descr = descr[1 : len(descr)-1]
	h.order = binary.LittleEndian
	switch strings.TrimLeft(h.descr, "<>|=") {
	case "f8":
		h.size = 8
	case "f4":
		h.size = 4
	}
	if strings.HasPrefix(h.descr, ">") {
		h.order = binary.BigEndian
	}
	switch value("fortran_order") {
	case "True":
		h.fortran = true
	case "False":
	default:
		return h, printf.Errorf("its fortran_order is %s, not True or False", value("fortran_order"))
	}
	shape := value("shape")
	if !strings.HasPrefix(shape, "(") || !strings.HasSuffix(shape, ")") {
		return h, printf.Errorf("its shape is %s, not a tuple such as (3, 4)", shape)
	}
	h.shape = []int{}
	for _, d := range strings.Split(strings.TrimSuffix(shape[1:len(shape)-1], ","), ",") {
		if d = strings.TrimSpace(d); d == "" && len(h.shape) == 0 && strings.TrimSpace(shape) == "()" {
			break
		}
		n, err := strconv.Atoi(strings.TrimSuffix(d, "L"))
		if err != nil || n < 0 {
			return h, printf.Errorf("its shape is %s, not a tuple of sizes such as (3, 4)", shape)
		}
		h.shape = append(h.shape, n)
	}
	return h, nil
}

// assemble builds the Gradient from the arrays of every layer; get
// returns the array of a name, nil when there is none.
func assemble(p *problem.Problem, file string, get func(name string) (*array, error), have []string) (*backproof.Gradient, error) {
	L := len(p.Net.Layers)
	g := &backproof.Gradient{DW: make([]*mat.Dense, L), DB: make([][]float64, L), DBMatrix: make([]*mat.Dense, L)}
	for ℓ := 1; ℓ <= L; ℓ++ {
		dw, db := names(ℓ)
		for _, name := range []string{dw, db} {
			a, err := get(name)
			if err != nil {
				return nil, err
			}
			if a == nil {
				return nil, printf.Errorf("%s: no array %s; a network of %d layers needs dW1, db1, …, dW%d, db%d%s",
					file, name, L, L, L, found(have))
			}
			g.Float32 = g.Float32 || a.float32
			switch {
			case name == db && len(a.shape) <= 1:
				g.DB[ℓ-1] = a.data
			case name == db && (a.shape[0] == 0 || a.shape[1] == 0):
				return nil, printf.Errorf("%s: %s is empty (shape %v)", file, name, a.shape)
			case name == db:
				g.DBMatrix[ℓ-1] = mat.NewDense(a.shape[0], a.shape[1], a.data)
			case len(a.shape) == 2 && a.shape[0] > 0 && a.shape[1] > 0:
				g.DW[ℓ-1] = mat.NewDense(a.shape[0], a.shape[1], a.data)
			case len(a.data) > 0:
				// A vector where a matrix belongs: judged as a 1×n shape mistake.
				g.DW[ℓ-1] = mat.NewDense(1, len(a.data), a.data)
			default:
				return nil, printf.Errorf("%s: %s is empty (shape %v)", file, name, a.shape)
			}
		}
	}
	for ℓ := range L {
		if g.DB[ℓ] != nil && len(g.DB[ℓ]) == 0 {
			return nil, printf.Errorf("%s: db%d is empty", file, ℓ+1)
		}
		if g.DB[ℓ] != nil {
			continue
		}
		if r, c := g.DBMatrix[ℓ].Dims(); r == 0 || c == 0 {
			return nil, printf.Errorf("%s: db%d is empty", file, ℓ+1)
		}
	}
	return g, nil
}

// found lists the names a file has, for an error message.
func found(have []string) string {
	if len(have) == 0 {
		return ""
	}
	sort.Strings(have)
	return " (it has " + strings.Join(have, ", ") + ")"
}

func loadNPZ(path string, p *problem.Problem) (*backproof.Gradient, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return readNPZ(path, f, info.Size(), p)
}

// readNPZ reads the archive r of size bytes, named path in errors.
func readNPZ(path string, r io.ReaderAt, size int64, p *problem.Problem) (*backproof.Gradient, error) {
	z, err := zipFiles(r, size)
	if err != nil {
		return nil, printf.Errorf("%s: not an .npz archive (np.savez writes one): %v", path, err)
	}
	var have []string
	keys := map[string]string{}
	for k := range z {
		name := strings.TrimSuffix(k, ".npy")
		have = append(have, name)
		keys[name] = k
	}
	sort.Strings(have)
	if err := noExtraLayers(path, p, have); err != nil {
		return nil, err
	}
	layerOf := layerIndex(p)
	return assemble(p, path, func(name string) (*array, error) {
		k, ok := keys[name]
		if !ok {
			return nil, nil
		}
		rc, err := z[k].open(r, size)
		if err != nil {
			return nil, printf.Errorf("%s: array %s: %v", path, name, err)
		}
		return readNPY(rc, path+": array "+name, limit(p, layerOf[name]))
	}, have)
}

func loadFolder(dir string, p *problem.Problem) (*backproof.Gradient, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var have []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".npy") {
			have = append(have, strings.TrimSuffix(e.Name(), ".npy"))
		}
	}
	if err := noExtraLayers(dir, p, have); err != nil {
		return nil, err
	}
	layerOf := layerIndex(p)
	return assemble(p, dir, func(name string) (*array, error) {
		file := filepath.Join(dir, name+".npy")
		if fi, err := os.Lstat(file); err == nil && fi.Mode()&os.ModeSymlink != 0 {
			if _, err := os.Stat(file); err != nil {
				target, _ := os.Readlink(file)
				return nil, printf.Errorf("%s: a symbolic link to %s, which cannot be read (%v): point it at the array, or replace it by the file",
					file, target, unwrapPath(err))
			}
		}
		f, err := os.Open(file)
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return readNPY(f, file, limit(p, layerOf[name]))
	}, have)
}

// noExtraLayers refuses arrays named for layers the network does not have
// (dW3 for a network of two layers): the file is the gradient of another
// problem, and checking the layers it shares would hide that.
func noExtraLayers(file string, p *problem.Problem, have []string) error {
	L := len(p.Net.Layers)
	for _, name := range have {
		// dW or db and a layer's number as %d writes it (not fmt.Sscanf,
		// whose scanner is 40 KB of the page in the browser).
		rest, ok := strings.CutPrefix(name, "dW")
		if !ok {
			rest, ok = strings.CutPrefix(name, "db")
		}
		ℓ, err := strconv.Atoi(rest)
		if !ok || err != nil || strconv.Itoa(ℓ) != rest {
			continue
		}
		if ℓ < 1 || ℓ > L {
			return printf.Errorf("%s: array %s, but the network has %d layers (dW1, db1 … dW%d, db%d): is this the gradient of another problem?",
				file, name, L, L, L)
		}
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// layerIndex maps each array name to its layer.
func layerIndex(p *problem.Problem) map[string]int {
	m := map[string]int{}
	for ℓ := 1; ℓ <= len(p.Net.Layers); ℓ++ {
		dw, db := names(ℓ)
		m[dw], m[db] = ℓ, ℓ
	}
	return m
}

// loadJSON reads {"layers": [{"dW": …, "db": …}, …]}, the problem file's
// shape, as strictly as the problem reader reads a problem: the file no
// larger than problem.FileLimit(limit); a byte order mark skipped; no key
// twice, no key unknown, no null, nothing after the closing brace; no more
// layers than the network has and no array far larger than its layer's
// (limit). The structure is walked token by token, so a file of a million
// empty layers is refused at the first one too many, before it is held in
// memory; each array is decoded whole.
func loadJSON(path string, p *problem.Problem, limit budget.Bytes) (*backproof.Gradient, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	most := problem.FileLimit(limit)
	tooLarge := func(size string) error {
		return printf.Errorf("%s: %s, more than the %v a gradient file may have under the memory limit of %v (as a problem file)",
			path, size, most, most*64)
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && budget.Bytes(fi.Size()) > most {
		return nil, tooLarge(printf.Sprintf("the file has %v", budget.Bytes(fi.Size())))
	}
	raw, err := io.ReadAll(io.LimitReader(problem.SkipBOM(f), int64(most)+1))
	if err != nil {
		return nil, printf.Errorf("%s: %v", path, err)
	}
	if budget.Bytes(len(raw)) > most {
		return nil, tooLarge("the file is larger")
	}
	return readJSON(path, raw, p)
}

// readJSON reads raw, a JSON gradient file named path in errors, no
// larger than the limit, its byte order mark skipped.
func readJSON(path string, raw []byte, p *problem.Problem) (*backproof.Gradient, error) {
	jr := &jsonReader{file: path, raw: raw, p: p, dec: jsonio.NewBytes(raw), arrays: map[string]*array{}}
	n, err := jr.top()
	if err != nil {
		return nil, err
	}
	if L := len(p.Net.Layers); n != L {
		return nil, printf.Errorf("%s: layers: %d layers for a network of %d: give one {\"dW\", \"db\"} per layer", path, n, L)
	}
	return assemble(p, path, func(name string) (*array, error) { return jr.arrays[name], nil }, jr.have)
}

// jsonShape is the file's expected shape, for error messages.
const jsonShape = `want {"layers": [{"dW": [[…], …], "db": […]}, …]}`

// jsonReader walks a JSON gradient file.
type jsonReader struct {
	file   string
	raw    []byte
	p      *problem.Problem
	dec    *jsonio.Reader
	arrays map[string]*array
	have   []string
}

// fail is an error at a JSON path of the file.
func (r *jsonReader) fail(path, format string, args ...any) error {
	return printf.Errorf("%s: %s: %s", r.file, path, printf.Sprintf(format, args...))
}

// syntax places the reader's error by line and column.
func (r *jsonReader) syntax(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return printf.Errorf("%s: truncated JSON: the file ends before the object is closed; %s", r.file, jsonShape)
	}
	return printf.Errorf("%s: %v; %s", r.file, jsonError(r.raw, err), jsonShape)
}

// delim reads the next token and wants it to be d; what names the value.
func (r *jsonReader) delim(d jsonio.Kind, path, what string) error {
	tok, err := r.dec.Next()
	if err != nil {
		return r.syntax(err)
	}
	if tok.Kind != d {
		return r.fail(path, "want %s, found %s", what, tokenKind(tok))
	}
	return nil
}

// top reads the whole file and returns how many layers it has.
func (r *jsonReader) top() (int, error) {
	if err := r.delim(jsonio.BeginObject, "the top level", `an object {"layers": […]}`); err != nil {
		return 0, err
	}
	layers := -1
	for r.dec.More() {
		if _, err := r.key("", map[string]bool{"layers": layers >= 0}, "layers"); err != nil {
			return 0, err
		}
		if err := r.delim(jsonio.BeginArray, "layers", `a list of layers, each {"dW": …, "db": …}`); err != nil {
			return 0, err
		}
		layers = 0
		L := len(r.p.Net.Layers)
		for ; r.dec.More(); layers++ {
			if layers == L {
				return 0, r.fail(printf.Sprintf("layers[%d]", layers), "more layers than the network's %d: its gradient is dW1, db1 … dW%d, db%d; is this the gradient of another problem?", L, L, L)
			}
			if err := r.layer(layers); err != nil {
				return 0, err
			}
		}
		if _, err := r.dec.Next(); err != nil { // ']'
			return 0, r.syntax(err)
		}
	}
	if _, err := r.dec.Next(); err != nil { // '}'
		return 0, r.syntax(err)
	}
	if layers < 0 {
		return 0, r.fail("layers", "missing; %s", jsonShape)
	}
	var se *jsonio.SyntaxError
	if err := r.dec.End(); errors.As(err, &se) {
		line, col := position(r.raw, se.Offset)
		return 0, printf.Errorf("%s: line %d:%d: extra data after the JSON object: a file holds one gradient", r.file, line, col)
	}
	return layers, nil
}

// key reads an object's next key, refusing one already seen or not known.
func (r *jsonReader) key(within string, seen map[string]bool, known ...string) (string, error) {
	tok, err := r.dec.Next()
	if err != nil {
		return "", r.syntax(err)
	}
	key := tok.Text
	path := key
	if within != "" {
		path = within + "." + key
	}
	if _, ok := seen[key]; !ok {
		return "", r.fail(path, "unknown field %q (the fields are %s); %s", key, strings.Join(known, ", "), jsonShape)
	}
	if seen[key] {
		return "", r.fail(path, "duplicate key %q: each field may appear once in an object (JSON readers disagree on which copy wins)", key)
	}
	seen[key] = true
	return key, nil
}

// layer reads layers[i], {"dW": …, "db": …}.
func (r *jsonReader) layer(i int) error {
	path := printf.Sprintf("layers[%d]", i)
	if err := r.delim(jsonio.BeginObject, path, `an object {"dW": …, "db": …}`); err != nil {
		return err
	}
	seen := map[string]bool{"dW": false, "db": false}
	for r.dec.More() {
		key, err := r.key(path, seen, "dW", "db")
		if err != nil {
			return err
		}
		start, err := r.dec.Next()
		if err != nil {
			return r.syntax(err)
		}
		kp := path + "." + key
		if start.Kind == jsonio.Null {
			return r.fail(kp, "null: give the array, or leave the key out and the file will be refused as incomplete")
		}
		dw, db := names(i + 1)
		name := map[string]string{"dW": dw, "db": db}[key]
		for depth := depthOf(start); depth > 0; { // to the value's end
			tok, err := r.dec.Next()
			if err != nil {
				return r.syntax(err)
			}
			depth += depthOf(tok)
		}
		a, err := jsonArray(r.raw[start.Offset:r.dec.Offset()], limit(r.p, i+1))
		if err != nil {
			var ae *arrayError
			if errors.As(err, &ae) {
				return r.fail(kp+ae.at, "%s", ae.msg)
			}
			return r.fail(kp, "%v", err)
		}
		r.arrays[name] = a
		r.have = append(r.have, name)
	}
	if _, err := r.dec.Next(); err != nil { // '}'
		return r.syntax(err)
	}
	return nil
}

// tokenKind names a JSON token for an error message.
func tokenKind(tok jsonio.Token) string {
	switch tok.Kind {
	case jsonio.BeginObject, jsonio.EndObject:
		return "an object"
	case jsonio.BeginArray, jsonio.EndArray:
		return "a list"
	case jsonio.String:
		return printf.Sprintf("the string %q", tok.Text)
	case jsonio.Null:
		return "null"
	case jsonio.True, jsonio.False:
		return "a boolean"
	}
	return "a number"
}

// arrayError is a fault at an element of an array: at is its index path,
// such as "[2][0]".
type arrayError struct{ at, msg string }

func (e *arrayError) Error() string { return e.at + ": " + e.msg }

// jsonArray reads raw, one JSON value: a list of numbers or a list of
// equally long lists, of at most max numbers. null is refused where a
// number or a row belongs.
func jsonArray(raw []byte, max int) (*array, error) {
	// Every number but the last is followed by a comma, and so is every
	// row but the last: r×c numbers have r·c − 1 commas. A bound on the
	// count, before anything is decoded.
	if n := bytes.Count(raw, []byte(",")) + 1; n > max {
		return nil, printf.Errorf("%d numbers, far more than any gradient array of this layer (at most %d are read)", n, max)
	}
	var toks []jsonio.Token
	for dec := jsonio.NewBytes(raw); ; {
		tok, err := dec.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err // the caller has read raw: not reached
		}
		toks = append(toks, tok)
	}
	start := toks[0]
	wrong := errors.New("want a list of numbers or a list of rows of numbers")
	if start.Kind != jsonio.BeginArray {
		return nil, wrong
	}
	body := toks[1 : len(toks)-1]
	rows := false
	for _, t := range body {
		rows = rows || t.Kind == jsonio.BeginArray
	}
	if !rows { // [x, y, …]
		v := make([]float64, 0, len(body))
		firstNull := -1
		for i, t := range body {
			x, ok := numberOf(t)
			if !ok {
				return nil, wrong
			}
			if t.Kind == jsonio.Null && firstNull < 0 {
				firstNull = i
			}
			v = append(v, x)
		}
		if firstNull >= 0 {
			return nil, &arrayError{printf.Sprintf("[%d]", firstNull), "null where a number belongs (JSON's null is no number; a NaN in numpy is written as null by some writers)"}
		}
		return &array{data: v, shape: []int{len(v)}}, nil
	}
	// [[x, …], …]: each row a list of numbers, or null.
	var grid [][]float64
	var nulls []string // where null stands, in order
	for i := 0; i < len(body); i++ {
		switch body[i].Kind {
		case jsonio.Null:
			nulls = append(nulls, printf.Sprintf("[%d]", len(grid)))
			grid = append(grid, nil)
			continue
		case jsonio.BeginArray:
		default:
			return nil, wrong
		}
		row := []float64{}
		for i++; body[i].Kind != jsonio.EndArray; i++ {
			x, ok := numberOf(body[i])
			if !ok {
				return nil, wrong
			}
			if body[i].Kind == jsonio.Null {
				nulls = append(nulls, printf.Sprintf("[%d][%d]", len(grid), len(row)))
			}
			row = append(row, x)
		}
		grid = append(grid, row)
	}
	if len(nulls) > 0 {
		msg := "null where a number belongs (JSON's null is no number; a NaN in numpy is written as null by some writers)"
		if !strings.Contains(nulls[0], "][") {
			msg = "null where a row of numbers belongs"
		}
		return nil, &arrayError{nulls[0], msg}
	}
	a := &array{shape: []int{len(grid), 0}}
	for i, r := range grid {
		if i == 0 {
			a.shape[1] = len(r)
		}
		if len(r) != a.shape[1] {
			return nil, printf.Errorf("row %d has %d numbers, row 0 has %d: rows must be equally long", i, len(r), a.shape[1])
		}
		a.data = append(a.data, r...)
	}
	return a, nil
}

// depthOf is how a token changes the nesting: +1 opening, −1 closing.
func depthOf(t jsonio.Token) int {
	switch t.Kind {
	case jsonio.BeginArray, jsonio.BeginObject:
		return 1
	case jsonio.EndArray, jsonio.EndObject:
		return -1
	}
	return 0
}

// numberOf reads a number token as a float64 (null as 0, for the caller
// to refuse); false for any other token and for a number beyond float64,
// as encoding/json refuses to decode one into a float64.
func numberOf(t jsonio.Token) (float64, bool) {
	switch t.Kind {
	case jsonio.Null:
		return 0, true
	case jsonio.Number:
		x, err := strconv.ParseFloat(t.Text, 64)
		return x, err == nil
	}
	return 0, false
}

// position turns a byte offset into a 1-based line and column.
func position(raw []byte, off int) (line, col int) {
	off = min(off, len(raw))
	line = bytes.Count(raw[:off], []byte("\n")) + 1
	return line, off - bytes.LastIndexByte(raw[:off], '\n')
}

// jsonError adds the line and column to a JSON syntax error.
func jsonError(raw []byte, err error) error {
	var se *jsonio.SyntaxError
	if errors.As(err, &se) {
		line, col := position(raw, se.Offset)
		return printf.Errorf("line %d:%d: %v", line, col, err)
	}
	return err
}

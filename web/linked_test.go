package web_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/backproof/backproof/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unwanted are the packages whose code the page must not link: reflect,
// and fmt and encoding/json, which bring it. Together they weighed about
// 0.2 MB of the gzip-compressed site.
var unwanted = []string{"fmt", "reflect", "encoding/json"}

// TestPageLinksNoReflection builds the page's checker as web.Build does
// but keeps the wasm "name" section (without -s -w) and asks the linker
// why it keeps each function (-dumpdep). It fails for any function of
// fmt, reflect or encoding/json that something outside those packages
// calls, and names the caller: a fmt.Sprintf, a json.Marshal or a
// reflect.DeepEqual in a package the page links would bring the site
// back over 1.5 MB. The ways in that stay are allowedCalls: fmt's and
// reflect's initialisation, which runs because gonum's mat and
// compress/flate import fmt, and encoding/binary.Size, which gonum's mat
// calls once as it starts (the size of its header) and which reads its
// argument by reflect (some 70 of reflect's functions).
func TestPageLinksNoReflection(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the checker")
	}
	wasm := filepath.Join(t.TempDir(), "names.wasm")
	dump, err := goBuild(append(checkerFlags(), "-ldflags=-dumpdep", "-o", wasm, web.Checker.Package)...)
	require.NoError(t, err, "%.2000s", dump)
	names, err := wasmFunctionNames(wasm)
	require.NoError(t, err)
	// The reader must see the names, or the test could not fail.
	require.Greater(t, len(names), 1000, "function names in the name section")
	for _, want := range []string{"runtime.main", "main.main", "github.com_backproof_backproof_internal_printf.Sprintf"} {
		require.Contains(t, names, want, "a function the page surely links")
	}
	counts := map[string]int{}
	for _, n := range names {
		counts[unwantedPackage(n)]++
	}
	t.Logf("functions linked: fmt %d, reflect %d, encoding/json %d", counts["fmt"], counts["reflect"], counts["encoding/json"])

	calls := callsInto(dump, names)
	require.NotEmpty(t, calls["reflect"], "no call into reflect read from -dumpdep, where gonum's mat.init makes one")
	for _, pkg := range unwanted {
		var bad []string
		for _, c := range calls[pkg] {
			if !allowed(c) {
				bad = append(bad, c.from+" → "+c.to)
			}
		}
		if len(bad) > 0 {
			t.Errorf("the page links %d functions of %s, called from outside it by:\n\t%s", counts[pkg], pkg, strings.Join(bad, "\n\t"))
		}
	}
}

// allowedCalls are the ways into the unwanted packages that stay; a
// name ending in ".*" stands for every function of its package.
var allowedCalls = []call{
	{"go:main.inittasks", "fmt..inittask"},     // gonum/mat and compress/flate import fmt
	{"go:main.inittasks", "reflect..inittask"}, // fmt and encoding/binary import reflect
	// gonum/mat's init: headerSize = binary.Size(storage{}), which reads
	// the struct by reflect.
	{"encoding/binary.*", "reflect.*"},
	// the runtime's own typedmemmove, which it gives reflect's name
	// (go:linkname), called by errors.As through internal/reflectlite.
	{"internal/reflectlite.typedmemmove", "reflect.typedmemmove"},
}

func allowed(c call) bool {
	match := func(pattern, name string) bool {
		if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
			return strings.HasPrefix(name, prefix)
		}
		return pattern == name
	}
	for _, a := range allowedCalls {
		if match(a.from, c.from) && match(a.to, c.to) {
			return true
		}
	}
	return false
}

// TestUnwantedPackage: the test above reads the linker's names right.
func TestUnwantedPackage(t *testing.T) {
	for name, want := range map[string]string{
		"fmt.Sprintf":                          "fmt",
		"fmt.__pp_.doPrintf":                   "fmt",
		"reflect.Value.Kind":                   "reflect",
		"encoding_json.Marshal":                "encoding/json",
		"internal_reflectlite.TypeOf":          "",
		"internal_fmtsort.Sort":                "",
		"github.com_backproof_backproof.Check": "",
		"runtime.printfloat64":                 "",
	} {
		assert.Equal(t, want, unwantedPackage(name), name)
	}
}

// unwantedPackage is the unwanted package a linked function's name
// belongs to, or "". The wasm linker writes a/b.F as a_b.F.
func unwantedPackage(name string) string {
	for _, pkg := range unwanted {
		if strings.HasPrefix(name, strings.ReplaceAll(pkg, "/", "_")+".") {
			return pkg
		}
	}
	return ""
}

// checkerFlags are web.BuildFlags without the flags that strip the
// name section.
func checkerFlags() []string {
	var flags []string
	for _, f := range web.BuildFlags {
		if !strings.HasPrefix(f, "-ldflags") {
			flags = append(flags, f)
		}
	}
	return flags
}

func goBuild(args ...string) ([]byte, error) {
	cmd := exec.Command("go", append([]string{"build"}, args...)...)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return append(stdout.Bytes(), stderr.Bytes()...), err
}

type call struct{ from, to string }

// callsInto reads -dumpdep's "caller -> callee" lines and returns, for
// each unwanted package, the calls from outside the unwanted packages
// into one of its functions (a callee among the linked functions'
// names), or into its initialisation (..inittask).
func callsInto(dump []byte, names []string) map[string][]call {
	linked := map[string]bool{}
	for _, n := range names {
		linked[n] = true
	}
	mangle := strings.NewReplacer("/", "_", "(", "_", ")", "_", "*", "_")
	seen := map[call]bool{}
	out := map[string][]call{}
	sc := bufio.NewScanner(bytes.NewReader(dump))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		from, to, ok := strings.Cut(sc.Text(), " -> ")
		if !ok {
			continue
		}
		pkg := ""
		for _, p := range unwanted {
			if strings.HasPrefix(to, p+".") {
				pkg = p
			}
		}
		if pkg == "" || !linked[mangle.Replace(to)] && !strings.HasSuffix(to, "..inittask") {
			continue // not a function: data, or a deduplicated constant that only bears the package's name
		}
		inside := strings.HasPrefix(from, "type:") // a method kept with its type, which something else made
		for _, p := range append(unwanted, "internal/fmtsort") {
			inside = inside || strings.HasPrefix(from, p+".")
		}
		if c := (call{from, to}); !inside && !seen[c] {
			seen[c] = true
			out[pkg] = append(out[pkg], c)
		}
	}
	for _, cs := range out {
		sort.Slice(cs, func(i, j int) bool { return cs[i].from+cs[i].to < cs[j].from+cs[j].to })
	}
	return out
}

// wasmFunctionNames reads the function names of a wasm file's "name"
// custom section (subsection 1, the function names).
func wasmFunctionNames(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) < 8 || string(data[:4]) != "\x00asm" {
		return nil, errors.New(path + " is not a wasm module")
	}
	r := &wasmReader{data: data, off: 8}
	for r.off < len(data) && r.err == nil {
		id := r.byte()
		size := int(r.uleb())
		end := r.off + size
		if r.err != nil || end > len(data) {
			return nil, errors.New("a section runs past the end of " + path)
		}
		if id == 0 && r.name() == "name" {
			for r.off < end && r.err == nil {
				sub := r.byte()
				subEnd := int(r.uleb()) + r.off
				if sub == 1 {
					n := int(r.uleb())
					names := make([]string, 0, n)
					for range n {
						r.uleb() // function index
						names = append(names, r.name())
					}
					return names, r.err
				}
				r.off = subEnd
			}
		}
		r.off = end
	}
	if r.err != nil {
		return nil, r.err
	}
	return nil, errors.New(path + " has no name section (built with -ldflags=-s?)")
}

type wasmReader struct {
	data []byte
	off  int
	err  error
}

func (r *wasmReader) byte() byte {
	if r.off >= len(r.data) {
		r.err = errors.New("wasm: unexpected end")
		return 0
	}
	b := r.data[r.off]
	r.off++
	return b
}

func (r *wasmReader) uleb() uint64 {
	v, n := binary.Uvarint(r.data[min(r.off, len(r.data)):])
	if n <= 0 {
		r.err = errors.New("wasm: bad LEB128 number")
		return 0
	}
	r.off += n
	return v
}

func (r *wasmReader) name() string {
	n := int(r.uleb())
	if r.err != nil || r.off+n > len(r.data) {
		r.err = errors.New("wasm: name past the end")
		return ""
	}
	s := string(r.data[r.off : r.off+n])
	r.off += n
	return s
}

package printf

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

const self = "github.com/backproof/backproof/internal/printf"

// TestCallsPassFormattableTypes reads every call of this package in the
// repository (and of functions that pass their format and arguments on
// to it, as formula's errorf does) with go/types, and fails for an
// argument whose type the package cannot format with its verb: a named
// type without a String method (convert it: string(s), int(l)), a %d of
// a Stringer (int(c)), an interface without String or Error, a struct.
// fmt would have printed those by reflect; here the learner would read
// %!v(printf: unsupported type). It also fails a verb that does not fit
// its argument's kind (%d of a string) and a count of arguments that
// does not match the format, as go vet does for fmt.
func TestCallsPassFormattableTypes(t *testing.T) {
	if testing.Short() {
		t.Skip("loads and type-checks the whole module")
	}
	c := newChecker(load(t, "./..."))
	calls := c.check()
	if calls < 100 {
		t.Errorf("only %d calls of printf found: the test no longer sees the repository's calls", calls)
	}
	for _, p := range c.problems {
		t.Error(p)
	}
	t.Logf("%d calls checked, %d functions pass a format on", calls, len(c.wrappers))
}

// TestCallsCheckRefusesBadCalls runs the check on testdata/bad, whose
// lines say which problem they must draw.
func TestCallsCheckRefusesBadCalls(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks a package")
	}
	pkgs := load(t, "./internal/printf/testdata/bad")
	c := newChecker(pkgs)
	c.check()
	got := map[int][]string{} // problems by line
	for _, p := range c.problems {
		_, rest, _ := strings.Cut(p, "bad.go:")
		line, _, _ := strings.Cut(rest, ":")
		n, _ := strconv.Atoi(line)
		got[n] = append(got[n], p)
	}
	src, err := os.ReadFile("testdata/bad/bad.go")
	if err != nil {
		t.Fatal(err)
	}
	wants := 0
	for i, text := range strings.Split(string(src), "\n") {
		n := i + 1
		_, want, isWant := strings.Cut(text, "// want: ")
		switch {
		case isWant && len(got[n]) == 0:
			t.Errorf("bad.go:%d: no problem found, want one with %q", n, want)
		case isWant && !strings.Contains(strings.Join(got[n], "\n"), want):
			t.Errorf("bad.go:%d: %q, want one with %q", n, got[n], want)
		case !isWant && len(got[n]) > 0:
			t.Errorf("bad.go:%d: %q, want none", n, got[n])
		}
		if isWant {
			wants++
		}
	}
	if wants < 15 {
		t.Fatalf("only %d lines of testdata/bad/bad.go want a problem", wants)
	}
}

// load loads the patterns from the module's root, natively and, for the
// page's own files (web/wasm), for js/wasm.
func load(t *testing.T, pattern string) []*packages.Package {
	var all []*packages.Package
	for _, goos := range []string{"", "js"} {
		cfg := &packages.Config{
			Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo,
			Dir:  "../..",
		}
		patterns := []string{pattern}
		if goos == "js" {
			if pattern != "./..." {
				continue
			}
			cfg.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
			patterns = []string{"./web/wasm"}
		}
		pkgs, err := packages.Load(cfg, patterns...)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pkgs {
			for _, e := range p.Errors {
				t.Errorf("%s: %v", p.PkgPath, e)
			}
		}
		all = append(all, pkgs...)
	}
	return all
}

// printfFunc says where a printing function takes its format (-1: none,
// as Sprint) and its operands.
type printfFunc struct {
	format, args int
	errorf       bool // %w is allowed
}

var own = map[string]printfFunc{
	"Sprintf":  {format: 0, args: 1},
	"Errorf":   {format: 0, args: 1, errorf: true},
	"Fprintf":  {format: 1, args: 2},
	"Sprint":   {format: -1, args: 0},
	"Fprintln": {format: -1, args: 1},
}

type checker struct {
	pkgs     []*packages.Package
	wrappers map[string]printfFunc // by types.Func.FullName: the same in the native and the js load
	problems []string
}

func newChecker(pkgs []*packages.Package) *checker {
	return &checker{pkgs: pkgs, wrappers: map[string]printfFunc{}}
}

// printing returns how the called function prints, if it does.
func (c *checker) printing(info *types.Info, call *ast.CallExpr) (printfFunc, types.Object, bool) {
	var id *ast.Ident
	switch fun := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = fun
	case *ast.SelectorExpr:
		id = fun.Sel
	default:
		return printfFunc{}, nil, false
	}
	obj := info.Uses[id]
	if obj == nil {
		return printfFunc{}, nil, false
	}
	if fn, ok := obj.(*types.Func); ok {
		obj = fn.Origin()
	}
	if obj.Pkg() != nil && obj.Pkg().Path() == self {
		f, ok := own[obj.Name()]
		return f, obj, ok
	}
	if fn, ok := obj.(*types.Func); ok {
		f, ok := c.wrappers[fn.FullName()]
		return f, obj, ok
	}
	return printfFunc{}, nil, false
}

// findWrappers marks functions whose last parameter is ...any and that
// pass it on, with one of their string parameters as the format, to a
// printing function; repeated until no new one is found.
func (c *checker) findWrappers() {
	for changed := true; changed; {
		changed = false
		for _, p := range c.pkgs {
			for _, f := range p.Syntax {
				for _, d := range f.Decls {
					fd, ok := d.(*ast.FuncDecl)
					if !ok || fd.Body == nil {
						continue
					}
					obj, ok := p.TypesInfo.Defs[fd.Name].(*types.Func)
					if !ok {
						continue
					}
					if _, done := c.wrappers[obj.FullName()]; done {
						continue
					}
					sig := obj.Type().(*types.Signature)
					if !sig.Variadic() {
						continue
					}
					params := sig.Params()
					last := params.At(params.Len() - 1)
					ast.Inspect(fd.Body, func(n ast.Node) bool {
						call, ok := n.(*ast.CallExpr)
						if !ok || !call.Ellipsis.IsValid() {
							return true
						}
						pf, _, ok := c.printing(p.TypesInfo, call)
						if !ok || len(call.Args) != pf.args+1 {
							return true
						}
						if id, ok := ast.Unparen(call.Args[pf.args]).(*ast.Ident); !ok || p.TypesInfo.Uses[id] != last {
							return true
						}
						w := printfFunc{format: -1, args: params.Len() - 1, errorf: pf.errorf}
						if pf.format >= 0 {
							id, ok := ast.Unparen(call.Args[pf.format]).(*ast.Ident)
							if !ok {
								return true
							}
							w.format = -2
							for i := range params.Len() {
								if p.TypesInfo.Uses[id] == params.At(i) {
									w.format = i
								}
							}
							if w.format < 0 {
								return true
							}
						}
						c.wrappers[obj.FullName()] = w
						changed = true
						return false
					})
				}
			}
		}
	}
}

// check checks every call and returns how many it saw.
func (c *checker) check() int {
	c.findWrappers()
	calls := 0
	seen := map[token.Position]bool{}
	for _, p := range c.pkgs {
		for _, f := range p.Syntax {
			recovered := recoveredValues(p.TypesInfo, f)
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				pf, _, ok := c.printing(p.TypesInfo, call)
				if !ok {
					return true
				}
				pos := p.Fset.Position(call.Pos())
				if seen[pos] {
					return true
				}
				seen[pos] = true
				calls++
				if call.Ellipsis.IsValid() {
					return true // a wrapper passing its own operands on: its callers are checked
				}
				cc := callCheck{checker: c, info: p.TypesInfo, pos: pos, recovered: recovered, errorf: pf.errorf}
				args := call.Args[min(pf.args, len(call.Args)):]
				if pf.format < 0 {
					for i, a := range args {
						cc.arg(a, 'v', Sprintf("operand %d", i+1))
						if len(args) > 1 && isNamedString(p.TypesInfo.TypeOf(a)) {
							cc.fail("operand %d of a print with several: fmt counts a named string type as a string when it puts spaces, this package does not; convert it", i+1)
						}
					}
					return true
				}
				tv := p.TypesInfo.Types[call.Args[pf.format]]
				if tv.Value == nil || tv.Value.Kind() != constant.String {
					for i, a := range args { // the format is only known at run time
						cc.arg(a, 0, Sprintf("operand %d", i+1))
					}
					return true
				}
				cc.format(constant.StringVal(tv.Value), args)
				return true
			})
		}
	}
	return calls
}

type callCheck struct {
	*checker
	info      *types.Info
	pos       token.Position
	recovered map[types.Object]bool
	errorf    bool
}

func (cc *callCheck) fail(format string, a ...any) {
	cc.problems = append(cc.problems, cc.pos.String()+": "+Sprintf(format, a...))
}

// format walks the format's verbs as doPrintf does and checks each
// operand against its verb.
func (cc *callCheck) format(format string, args []ast.Expr) {
	argNum, used, reordered := 0, map[int]bool{}, false
	take := func(verb rune, spec string) {
		if argNum >= len(args) {
			cc.fail("%s has no operand", spec)
			return
		}
		used[argNum] = true
		cc.arg(args[argNum], verb, spec)
		argNum++
	}
	index := func(i int) int {
		if i < len(format) && format[i] == '[' {
			reordered = true
			n, wid, ok := parseArgNumber(format[i:])
			if !ok || n < 0 || n >= len(args) {
				cc.fail("bad argument index in %q", format)
			} else {
				argNum = n
			}
			return i + wid
		}
		return i
	}
	for i := 0; i < len(format); {
		if format[i] != '%' {
			i++
			continue
		}
		start := i
		i++
		for i < len(format) && strings.IndexByte("#0+- ", format[i]) >= 0 {
			i++
		}
		i = index(i)
		if i < len(format) && format[i] == '*' {
			take('*', "a * width")
			i++
		} else {
			for i < len(format) && '0' <= format[i] && format[i] <= '9' {
				i++
			}
		}
		if i < len(format) && format[i] == '.' {
			i = index(i + 1)
			if i < len(format) && format[i] == '*' {
				take('*', "a * precision")
				i++
			} else {
				for i < len(format) && '0' <= format[i] && format[i] <= '9' {
					i++
				}
			}
		}
		i = index(i)
		if i >= len(format) {
			cc.fail("%q ends in the middle of a verb", format)
			return
		}
		verb := rune(format[i])
		i++
		if verb == '%' {
			continue
		}
		take(verb, format[start:i])
	}
	if !reordered && argNum < len(args) {
		cc.fail("%d operands for %d verbs in %q", len(args), argNum, format)
	}
}

// Verbs each kind of operand takes, as fmt formats them.
const (
	intVerbs    = "vdboOxXcqU"
	floatVerbs  = "vbgGeEfFxX"
	stringVerbs = "vsxXq"
	boolVerbs   = "vt"
)

// arg checks one operand; verb 0 means any verb (a format known only at
// run time), '*' a width or precision.
func (cc *callCheck) arg(e ast.Expr, verb rune, spec string) {
	tv := cc.info.Types[e]
	typ := tv.Type
	if typ == nil {
		cc.fail("no type for %s", types.ExprString(e))
		return
	}
	if tv.IsNil() {
		if verb != 'v' && verb != 'T' && verb != 0 {
			cc.fail("%s of nil", spec)
		}
		return
	}
	typ = types.Unalias(types.Default(typ))
	what := types.ExprString(e) + " (" + typ.String() + ")"
	takes := func(verbs string) {
		if verb == 'w' && cc.errorf && types.Implements(typ, errorType) {
			return
		}
		if verb != 0 && verb != 'T' && !strings.ContainsRune(verbs, verb) {
			cc.fail("%s of %s: that verb does not fit it", spec, what)
		}
	}
	if verb == '*' {
		if b, ok := typ.(*types.Basic); !ok || b.Info()&types.IsInteger == 0 {
			cc.fail("%s from %s: needs an int", spec, what)
		}
		return
	}
	for _, m := range []string{"Format", "GoString"} {
		if obj, _, _ := types.LookupFieldOrMethod(typ, true, nil, m); obj != nil {
			if _, isFunc := obj.(*types.Func); isFunc {
				cc.fail("%s of %s: it has a %s method, which fmt may call and this package never does", spec, what, m)
				return
			}
		}
	}
	if types.Implements(typ, errorType) || types.Implements(typ, stringerType) {
		if verb == 'T' {
			cc.fail("%%T of %s: this package writes the names of basic types only", what)
		}
		if verb == 'w' && !cc.errorf {
			cc.fail("%s of %s outside Errorf", spec, what)
		}
		if verb != 0 && verb != 'w' && !strings.ContainsRune(stringVerbs, verb) {
			cc.fail("%s of %s: fmt prints its underlying value by reflect for that verb, not its String or Error; convert it (%s(…))", spec, what, typ.Underlying())
		}
		return
	}
	switch u := typ.(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsInteger != 0:
			takes(intVerbs)
		case u.Info()&types.IsFloat != 0:
			takes(floatVerbs)
		case u.Kind() == types.String:
			takes(stringVerbs)
		case u.Kind() == types.Bool:
			takes(boolVerbs)
		default:
			cc.fail("%s of %s: this package does not format its kind", spec, what)
		}
		return
	case *types.Slice:
		if b, ok := u.Elem().(*types.Basic); ok && b.Kind() == types.Int {
			takes(intVerbs)
			return
		}
	case *types.Interface:
		if id, ok := ast.Unparen(e).(*ast.Ident); ok && cc.recovered[cc.info.Uses[id]] {
			return // a recovered panic: an error, a string or a Stringer in this repository
		}
		cc.fail("%s of %s: an interface without a String or Error method may hold a type this package cannot format; pass a concrete value", spec, what)
		return
	}
	if _, named := typ.(*types.Named); named {
		if _, basic := typ.Underlying().(*types.Basic); basic {
			cc.fail("%s of %s: a named type without a String method is printed by fmt through reflect; convert it (%s(…))", spec, what, typ.Underlying())
			return
		}
	}
	cc.fail("%s of %s: this package does not format that type", spec, what)
}

var (
	errorType    = types.Universe.Lookup("error").Type().Underlying().(*types.Interface)
	stringerType = types.NewInterfaceType([]*types.Func{
		types.NewFunc(token.NoPos, nil, "String", types.NewSignatureType(nil, nil, nil, nil,
			types.NewTuple(types.NewVar(token.NoPos, nil, "", types.Typ[types.String])), false)),
	}, nil).Complete()
)

func isNamedString(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	_, named := t.(*types.Named)
	return named && ok && b.Info()&types.IsString != 0
}

// recoveredValues are the variables given recover()'s result in f.
func recoveredValues(info *types.Info, f *ast.File) map[types.Object]bool {
	out := map[types.Object]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, r := range as.Rhs {
			call, ok := r.(*ast.CallExpr)
			if !ok {
				continue
			}
			if id, ok := call.Fun.(*ast.Ident); ok {
				if b, ok := info.Uses[id].(*types.Builtin); ok && b.Name() == "recover" {
					if lid, ok := as.Lhs[i].(*ast.Ident); ok {
						if obj := info.ObjectOf(lid); obj != nil {
							out[obj] = true
						}
					}
				}
			}
		}
		return true
	})
	return out
}

package formula

import (
	"io"
	"sort"
	"strings"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/internal/printf"
)

// Status is what the check of a line found: the "status" of the formula contract in docs/contracts.md.
type Status string

const (
	Correct    Status = "correct"     // the value equals the truth; for a helper, it evaluated
	Wrong      Status = "wrong"       // right shape, wrong numbers
	ShapeError Status = "shape-error" // operands that cannot combine, or a result of the wrong shape
	Failed     Status = "error"       // cannot be evaluated: it uses a line that failed
	// StatusCannotTell: the checker cannot evaluate the line, which may be
	// right: it calls a def whose body is outside the language. Never a
	// mistake, never a pass.
	StatusCannotTell Status = "cannot-tell"
)

// LineResult is the check of one line of the file, as `backproof formula --json` prints it.
type LineResult struct {
	Line    int    `json:"line"`
	Name    string `json:"name"`
	Text    string `json:"text"`
	Checked bool   `json:"checked"` // a target (dZ, dA, dW, db); helpers are not checked
	Status  Status `json:"status"`
	// Shape is what the line produced, "m×n1 = 5×3"; WantShape what the
	// target must be ("" for helpers).
	Shape     string `json:"shape"`
	WantShape string `json:"want_shape"`
	// MaxRelError is the largest compare.RelError against the truth (or,
	// for a correct dZ or dA line, the scale it matched); null when the
	// shapes differ or nothing was computed.
	MaxRelError *float64          `json:"max_rel_error"`
	Diagnosis   []compare.Code    `json:"diagnosis"` // compare's mistake codes
	Message     string            `json:"message"`
	Notes       []string          `json:"notes,omitempty"` // broadcasting and shape coincidences
	Col         int               `json:"col,omitempty"`   // the column of a shape error or error
	Mistakes    []compare.Mistake `json:"-"`
	kind        nameKind
}

// Result is the check of a whole file: the `backproof formula --json` of docs/contracts.md.
type Result struct {
	Convention  string         `json:"convention"`
	Cost        string         `json:"cost"`
	Reduction   string         `json:"reduction"`
	Activations []string       `json:"activations"`
	Dims        map[string]int `json:"dims"` // m, n0 … nL
	Results     []LineResult   `json:"results"`
	// Pass is true when every checked line is correct (a dZ or dA line in
	// the unreduced scale counts as correct) and at least one of them is a
	// dW or db line: only then does the file show a gradient is right.
	Pass bool `json:"pass"`
	// Verdict says the same in a word: "pass"; "fail" when a checked line
	// is wrong, has a shape error or fails; "cannot-tell" when no checked
	// line is wrong but some could not be evaluated by the checker (a def
	// outside the language); "incomplete" when every checked line is
	// correct but none is a dW or db line.
	Verdict  Verdict  `json:"verdict"`
	Warnings []string `json:"warnings,omitempty"`
	order    []string // dims in print order
}

// Verdict is a file's outcome: what Result.Pass says, in a word.
type Verdict string

const (
	VerdictPass       Verdict = "pass"
	VerdictFail       Verdict = "fail"
	VerdictIncomplete Verdict = "incomplete"
	VerdictCannotTell Verdict = "cannot-tell"
)

// decide sets Pass and Verdict from the results: every checked line that
// is not correct decides, and without a dW or db line nothing passes.
func (r *Result) decide() {
	gradient, bad, unknown := false, false, false
	for _, res := range r.Results {
		if res.kind == nkAssert && res.Status != Correct {
			bad = true // numpy stops at a false assert
		}
		if !res.Checked {
			continue
		}
		gradient = gradient || res.kind == nkDW || res.kind == nkDB
		bad = bad || (res.Status != Correct && res.Status != StatusCannotTell)
		unknown = unknown || res.Status == StatusCannotTell
	}
	switch {
	case bad:
		r.Verdict = VerdictFail
	case unknown:
		r.Verdict = VerdictCannotTell
	case !gradient:
		r.Verdict = VerdictIncomplete
	default:
		r.Verdict = VerdictPass
	}
	r.Pass = r.Verdict == VerdictPass
}

// Checked is the number of lines checked against the truth.
func (r *Result) Checked() int {
	n := 0
	for _, res := range r.Results {
		if res.Checked {
			n++
		}
	}
	return n
}

func (p *oracle) report() *Result {
	r := &Result{Convention: p.net.Convention.String(), Cost: p.net.Cost.String(), Reduction: p.net.Reduction.String(),
		Dims: map[string]int{"m": p.m}, order: []string{"m"}, Results: []LineResult{}}
	for ℓ, n := range p.d.n {
		k := printf.Sprintf("n%d", ℓ)
		r.Dims[k] = n
		r.order = append(r.order, k)
	}
	for _, a := range p.acts {
		r.Activations = append(r.Activations, a.String())
	}
	return r
}

// warnings are what makes this problem weak at showing mistakes.
func (c *checker) warnings(rep *Result) []string {
	var w []string
	p := c.p
	bySize := map[int][]string{}
	if !p.d.perEx {
		bySize[p.m] = append(bySize[p.m], "m")
	}
	for ℓ, n := range p.d.n {
		bySize[n] = append(bySize[n], printf.Sprintf("n%d", ℓ))
	}
	var sizes []int
	for n := range bySize {
		sizes = append(sizes, n)
	}
	sort.Ints(sizes)
	for _, n := range sizes {
		if syms := bySize[n]; len(syms) > 1 {
			w = append(w, printf.Sprintf("%s = %d: equal dimensions let some wrong formulas fit by coincidence (a transposed product, a sum over the wrong axis); choose distinct sizes to see every shape mistake", strings.Join(syms, " = "), n))
		}
	}
	for _, n := range sizes {
		if n == 1 {
			w = append(w, printf.Sprintf("%s = 1: a size of 1 broadcasts against anything, so shape mistakes along it cannot show", strings.Join(bySize[1], " = ")))
		}
	}
	for _, d := range c.uncalled() {
		w = append(w, printf.Sprintf("%s (your def on line %d) is never called, so nothing in it was checked", d.Name, d.Line))
	}
	if !p.d.perEx && p.m == 2 {
		w = append(w, "m = 2: a factor m cannot be told from a factor 2 (missing-1/m from extra-factor-2)")
	}
	return w
}

// uncalled are the file's functions (not frames) that no line calls.
func (c *checker) uncalled() []*Def {
	called := map[*Def]bool{}
	mark := func(x Expr) {
		_ = walk(x, func(e Expr) error {
			if call, ok := e.(*Call); ok && call.User {
				called[c.prog.defFor(call.Fn, call.P.Line)] = true
			}
			return nil
		})
	}
	for _, st := range c.prog.Stmts {
		mark(st.X)
	}
	for _, d := range c.prog.defs {
		for _, st := range d.Body {
			mark(st.X)
		}
		if d.Ret != nil {
			mark(d.Ret)
		}
	}
	var out []*Def
	for _, d := range c.prog.defs {
		if !d.Frame && !called[d] && d.Name != "__init__" { // a pasted class's constructor: the problem gives its network
			out = append(out, d)
		}
	}
	return out
}

// WriteText prints the report for people: one block per line.
func (r *Result) WriteText(w io.Writer) {
	printf.Fprintf(w, "%s convention, %s layers, %s cost, %s reduction\n", r.Convention, strings.Join(r.Activations, ","), r.Cost, r.Reduction)
	var dims []string
	for _, k := range r.order {
		dims = append(dims, printf.Sprintf("%s = %d", k, r.Dims[k]))
	}
	printf.Fprintf(w, "dims: %s\n", strings.Join(dims, ", "))
	for _, s := range r.Warnings {
		printf.Fprintf(w, "warning: %s\n", s)
	}
	for _, res := range r.Results {
		printf.Fprintf(w, "\nline %d: %s\n", res.Line, res.Text)
		if !res.Checked {
			switch {
			case res.Status == Correct && res.Message != "":
				printf.Fprintf(w, "  %s\n", res.Message)
			case res.Status == Correct:
				printf.Fprintf(w, "  helper, shape %s\n", res.Shape)
			case res.kind == nkAssert:
				printf.Fprintf(w, "  %s: %s\n", string(res.Status), res.Message)
			default:
				printf.Fprintf(w, "  helper, %s: %s\n", string(res.Status), res.Message)
			}
			for _, n := range res.Notes {
				printf.Fprintf(w, "  note: %s\n", n)
			}
			continue
		}
		head := printf.Sprintf("  %-11s", string(res.Status))
		if res.Shape != "" {
			head += printf.Sprintf(" shape %s", res.Shape)
			if res.Shape != res.WantShape {
				head += printf.Sprintf(" (want %s)", res.WantShape)
			}
		} else {
			head += printf.Sprintf(" want shape %s", res.WantShape)
		}
		if res.MaxRelError != nil {
			head += printf.Sprintf("   max rel error %.2g", *res.MaxRelError)
		}
		if len(res.Diagnosis) > 0 {
			head += "   [" + compare.Join(res.Diagnosis) + "]"
		}
		printf.Fprintln(w, head)
		printf.Fprintf(w, "  %s\n", res.Message)
		for _, n := range res.Notes {
			printf.Fprintf(w, "  note: %s\n", n)
		}
	}
	printf.Fprintln(w)
	grads := 0
	for _, res := range r.Results {
		if res.Checked && (res.kind == nkDW || res.kind == nkDB) {
			grads++
		}
	}
	switch r.Verdict {
	case VerdictPass:
		printf.Fprintf(w, "pass: every checked line is correct (%d line%s, %d of them dW or db)\n", r.Checked(), plural(r.Checked()), grads)
		return
	case VerdictIncomplete:
		printf.Fprintf(w, "INCOMPLETE, not a pass: every checked line is correct (%d line%s), but none is a dW or db line, so the gradient itself was not checked; add the dWℓ and dbℓ lines\n", r.Checked(), plural(r.Checked()))
		return
	}
	var bad []string
	for _, res := range r.Results {
		if (res.Checked || res.kind == nkAssert) && res.Status != Correct {
			bad = append(bad, printf.Sprintf("%s (line %d) %s", res.Name, res.Line, string(res.Status)))
		}
	}
	if r.Verdict == VerdictCannotTell {
		printf.Fprintf(w, "CANNOT TELL, not a pass: no checked line is wrong, but the checker could not evaluate %s\n", strings.Join(bad, "; "))
		return
	}
	printf.Fprintf(w, "FAIL: %s\n", strings.Join(bad, "; "))
}

package numgrad

import (
	"strings"

	"github.com/backproof/backproof/internal/printf"
	"gonum.org/v1/gonum/diff/fd"
)

// Method is a way of estimating a first derivative numerically: one row
// of methods, which holds its fd.Formula (stencil, derivative, default
// step), whether it extrapolates or takes the complex step, the order of
// its truncation error and the tolerance it is trusted to. With step h,
// the unit vector e_i and f_k = f(x + k h e_i), each method estimates
// ∂f/∂x_i as
//
//	Central      (f_1 − f_−1) / 2h                                  error O(h²)
//	Forward      (f_1 − f_0) / h                                    error O(h)
//	Backward     (f_0 − f_−1) / h                                   error O(h)
//	FivePoint    (f_−2 − 8 f_−1 + 8 f_1 − f_2) / 12h                error O(h⁴)
//	Richardson   (4 D(h/2) − D(h)) / 3,  D(h) = (f_1 − f_−1) / 2h   error O(h⁴)
//	ComplexStep  Im f(x + i h e_i) / h                              error O(h²)
//
// Richardson extrapolation cancels the h² term of the Central difference;
// expanded, it is the FivePoint stencil with step h/2.
//
// The names returned by String are the words the CLI and JSON use. To add
// a method, add a constant and its row; every consumer reads the row.
type Method int

const (
	Central Method = iota // the default
	Forward
	Backward
	FivePoint
	Richardson
	ComplexStep // needs f in complex arithmetic: see ComplexGradient, and NetGradient for a network
)

// methodRow is everything about one method.
type methodRow struct {
	name string // the CLI's and JSON's word
	// formula is the stencil as gonum's fd takes it, with Step the default
	// step (see DefaultStep). Richardson's is Central's, taken at h and
	// h/2; the complex step has no stencil.
	formula fd.Formula
	// extrapolated: the estimate is (4 D(h/2) − D(h)) / 3 of formula's D.
	extrapolated bool
	complex      bool // Im f(x + i h e_i) / h: f in complex arithmetic
	order        int  // truncation error C·h^order
	// tol is the relative error the method is trusted to in float64 on
	// smooth functions: central differences reach 1e-7 (CS231n's "good",
	// the default tolerance of every comparison); one-sided ones about the
	// square root of machine epsilon; the higher-order stencils and the
	// complex step far better.
	tol float64
}

var methodRows = [...]methodRow{
	Central:     {name: "central", formula: withStep(fd.Central, 6e-6), order: 2, tol: 1e-7},
	Forward:     {name: "forward", formula: withStep(fd.Forward, 2e-8), order: 1, tol: 1e-5},
	Backward:    {name: "backward", formula: withStep(fd.Backward, 2e-8), order: 1, tol: 1e-5},
	FivePoint:   {name: "five-point", formula: fivePoint, order: 4, tol: 1e-9},
	Richardson:  {name: "richardson", formula: withStep(fd.Central, 2e-3), extrapolated: true, order: 4, tol: 1e-9},
	ComplexStep: {name: "complex-step", formula: fd.Formula{Derivative: 1, Step: 1e-20}, complex: true, order: 2, tol: 1e-12},
}

func withStep(f fd.Formula, h float64) fd.Formula {
	f.Step = h
	return f
}

// Methods lists every method, in the order tables print them.
var Methods = func() []Method {
	list := make([]Method, len(methodRows))
	for i := range list {
		list[i] = Method(i)
	}
	return list
}()

func (m Method) row() *methodRow {
	if m < 0 || int(m) >= len(methodRows) {
		panic(badMethod(m))
	}
	return &methodRows[m]
}

func (m Method) String() string {
	if m < 0 || int(m) >= len(methodRows) {
		return printf.Sprintf("method(%d)", int(m))
	}
	return methodRows[m].name
}

// ParseMethod returns the method named s, one of the names String returns.
func ParseMethod(s string) (Method, error) {
	names := make([]string, len(methodRows))
	for i, r := range methodRows {
		if s == r.name {
			return Method(i), nil
		}
		names[i] = r.name
	}
	return 0, printf.Errorf("unknown method %q (want one of %s)", s, strings.Join(names, ", "))
}

// Formula is m's stencil as gonum's diff/fd takes it, with Step its
// default step: Central's for Richardson, which extrapolates two of them,
// and no stencil for the complex step.
func (m Method) Formula() fd.Formula { return m.row().formula }

// Complex reports whether m is the complex step, which needs f in complex
// arithmetic.
func (m Method) Complex() bool { return m.row().complex }

// Extrapolated reports whether m is (4 D(h/2) − D(h)) / 3 of its
// Formula's difference D (Richardson).
func (m Method) Extrapolated() bool { return m.row().extrapolated }

// Order is p in m's truncation error C·h^p.
func (m Method) Order() int { return m.row().order }

// Tol is the relative error m is trusted to in float64 on smooth
// functions; Central's 1e-7 is CS231n's "good", the default tolerance of
// every comparison.
func (m Method) Tol() float64 { return m.row().tol }

// DefaultStep returns the step h that Settings.Step = 0 stands for.
//
// A difference of order p has truncation error C·h^p and, because f is
// rounded to about ε|f| (ε = 2⁻⁵² ≈ 2.2e-16) before the values are subtracted
// and divided by h, rounding error of about ε|f|/h. The sum is smallest near
//
//	h ≈ ε^(1/(p+1))
//
// for x, f and its derivatives of order one, which gives
//
//	Forward, Backward  p = 1  √ε     ≈ 1.5e-8  → 2e-8  (fd.Forward's step)
//	Central            p = 2  ∛ε     ≈ 6.1e-6  → 6e-6  (fd.Central's step)
//	FivePoint          p = 4  ε^⅕    ≈ 7.4e-4  → 1e-3
//	Richardson         p = 4  2·ε^⅕  ≈ 1.5e-3  → 2e-3
//
// Richardson's (4 D(h/2) − D(h))/3 is, expanded, the five-point stencil with
// step h/2, so its best base step h is twice FivePoint's; at 2e-3 both sample
// f at the same points. The complex step subtracts nothing, so there is no
// rounding term to balance: h = 1e-20 makes the truncation error h²|f‴|/6
// some 25 orders of magnitude below ε while h, h² and h³ stay normal float64s.
//
// The steps are absolute, as in fd. For x or f far from order one, choose
// Step to match their scale. DefaultStep panics for an unknown method.
func (m Method) DefaultStep() float64 { return m.row().formula.Step }

// Settings chooses how derivatives are estimated. A nil *Settings and zero
// fields mean the defaults.
type Settings struct {
	Method     Method  // zero value Central
	Step       float64 // the step h; 0 means Method.DefaultStep()
	Concurrent bool    // evaluate f concurrently, as fd.Settings.Concurrent
	// Progress, when set, is told how many of the total entries are done,
	// now and then, by NetGradient: a long check shows that it moves. It
	// may be called from several goroutines at once.
	Progress func(done, total int)
}

// fivePoint is the fourth-order centered stencil for the first derivative,
//
//	f′(x) ≈ (f(x−2h) − 8f(x−h) + 8f(x+h) − f(x+2h)) / 12h.
var fivePoint = fd.Formula{
	Stencil: []fd.Point{
		{Loc: -2, Coeff: 1.0 / 12},
		{Loc: -1, Coeff: -8.0 / 12},
		{Loc: 1, Coeff: 8.0 / 12},
		{Loc: 2, Coeff: -1.0 / 12},
	},
	Derivative: 1,
	Step:       1e-3,
}

// resolve returns the method, step and concurrency of s for a function in real
// arithmetic, panicking on ComplexStep, an unknown method or a negative step.
func (s *Settings) resolve() (m Method, h float64, concurrent bool) {
	if s != nil {
		m, h, concurrent = s.Method, s.Step, s.Concurrent
	}
	if m.Complex() {
		panic("numgrad: ComplexStep needs f in complex arithmetic: use ComplexGradient")
	}
	if h == 0 {
		h = m.DefaultStep() // panics on an unknown method
	}
	if !(h > 0) {
		panic("numgrad: step must be positive")
	}
	return m, h, concurrent
}

// formula returns fd's settings for m's stencil with step h (Central's
// for Richardson, which combines two).
func formula(m Method, h float64, concurrent bool) *fd.Settings {
	r := m.row()
	if r.complex {
		panic(badMethod(m))
	}
	return &fd.Settings{Formula: r.formula, Step: h, Concurrent: concurrent}
}

func badMethod(m Method) string {
	return printf.Sprintf("numgrad: unknown %v", m)
}

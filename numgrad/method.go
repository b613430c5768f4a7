package numgrad

import (
	"fmt"
	"strings"

	"gonum.org/v1/gonum/diff/fd"
)

// Method is a way of estimating a first derivative numerically. With step h,
// the unit vector e_i and f_k = f(x + k h e_i), each method estimates ∂f/∂x_i as
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
// The names returned by String are the words the CLI and JSON use.
type Method int

const (
	Central Method = iota // the default
	Forward
	Backward
	FivePoint
	Richardson
	ComplexStep // needs f in complex arithmetic: see ComplexGradient, and NetGradient for a network
)

// Methods lists every method, in the order tables print them.
var Methods = []Method{Central, Forward, Backward, FivePoint, Richardson, ComplexStep}

var methodNames = []string{"central", "forward", "backward", "five-point", "richardson", "complex-step"}

func (m Method) String() string {
	if m < 0 || int(m) >= len(methodNames) {
		return fmt.Sprintf("method(%d)", int(m))
	}
	return methodNames[m]
}

// ParseMethod returns the method named s, one of the names String returns.
func ParseMethod(s string) (Method, error) {
	for i, n := range methodNames {
		if s == n {
			return Method(i), nil
		}
	}
	return 0, fmt.Errorf("unknown method %q (want one of %s)", s, strings.Join(methodNames, ", "))
}

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
func (m Method) DefaultStep() float64 {
	switch m {
	case Central:
		return 6e-6
	case Forward, Backward:
		return 2e-8
	case FivePoint:
		return 1e-3
	case Richardson:
		return 2e-3
	case ComplexStep:
		return 1e-20
	}
	panic(badMethod(m))
}

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
	if m == ComplexStep {
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

// formula returns fd's settings for the stencil of m with step h. Richardson
// has none of its own: it combines two Central differences.
func formula(m Method, h float64, concurrent bool) *fd.Settings {
	s := &fd.Settings{Step: h, Concurrent: concurrent}
	switch m {
	case Central, Richardson:
		s.Formula = fd.Central
	case Forward:
		s.Formula = fd.Forward
	case Backward:
		s.Formula = fd.Backward
	case FivePoint:
		s.Formula = fivePoint
	default:
		panic(badMethod(m))
	}
	return s
}

func badMethod(m Method) string {
	return fmt.Sprintf("numgrad: unknown %v", m)
}

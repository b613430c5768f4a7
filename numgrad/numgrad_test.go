package numgrad

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
)

// errOf is the error of an estimate a of b used in every test here,
//
//	|a − b| / max(1, |a|, |b|),
//
// relative above one and absolute below, so errOf(a, b) ≤ tol is
// scalar.EqualWithinAbsOrRel(a, b, tol, tol). A finite difference errs in
// proportion to the scale of f, not of each entry, so a purely relative error
// would blow up on entries near zero.
func errOf(a, b float64) float64 {
	return math.Abs(a-b) / math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func maxErr(a, b []float64) float64 {
	var worst float64
	for i := range a {
		worst = math.Max(worst, errOf(a[i], b[i]))
	}
	return worst
}

// tolerances bounds errOf for each method at its default step on testFuncs at
// points in [−1, 1]⁵. The worst errors measured on the 20 points of
// TestGradientClosedForm were central 7.0e-9, forward 4.3e-6, backward 4.5e-6,
// five-point 2.4e-12, richardson 2.1e-12 and complex-step 2.0e-15, all on the
// Rosenbrock function, whose f is of order 100 and f‴ of order 1000; on the
// other functions each is about ten times smaller. On 200 points the worst
// five-point error grew to 1.4e-11 and the complex step's to 3.2e-15, hence
// the margins.
var tolerances = map[Method]float64{
	Central:     1e-8,
	Forward:     1e-5,
	Backward:    1e-5,
	FivePoint:   1e-10,
	Richardson:  1e-10,
	ComplexStep: 1e-14,
}

// testPoints returns n seeded random points of dimension dim in [−1, 1].
func testPoints(n, dim int) [][]float64 {
	rng := rand.New(rand.NewPCG(1, 2))
	pts := make([][]float64, n)
	for k := range pts {
		pts[k] = make([]float64, dim)
		for i := range pts[k] {
			pts[k][i] = 2*rng.Float64() - 1
		}
	}
	return pts
}

// estimate is the gradient of tf at x by m with default settings.
func estimate(tf testFunc, m Method, x []float64) []float64 {
	if m == ComplexStep {
		return ComplexGradient(nil, tf.fc, x, 0)
	}
	return Gradient(nil, tf.f, x, &Settings{Method: m})
}

func TestMethodNames(t *testing.T) {
	want := []string{"central", "forward", "backward", "five-point", "richardson", "complex-step"}
	require.Len(t, Methods, len(want))
	for i, m := range Methods {
		assert.Equal(t, Method(i), m, "Methods is in declaration order")
		assert.Equal(t, want[i], m.String())
		got, err := ParseMethod(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, got, "ParseMethod(%q)", m.String())
	}
	assert.Equal(t, Central, Method(0), "the zero value is Central")
	assert.Equal(t, "method(42)", Method(42).String())

	for _, bad := range []string{"", "Central", "five_point", "complex"} {
		_, err := ParseMethod(bad)
		require.Error(t, err, "ParseMethod(%q)", bad)
		for _, name := range want {
			assert.Contains(t, err.Error(), name, "the error lists the valid names")
		}
	}
}

func TestDefaultStep(t *testing.T) {
	for _, test := range []struct {
		m    Method
		want float64
	}{
		{Central, 6e-6},
		{Forward, 2e-8},
		{Backward, 2e-8},
		{FivePoint, 1e-3},
		{Richardson, 2e-3},
		{ComplexStep, 1e-20},
	} {
		assert.Equal(t, test.want, test.m.DefaultStep(), test.m.String())
	}
	assert.Equal(t, fd.Central.Step, Central.DefaultStep(), "fd's central step")
	assert.Equal(t, fd.Forward.Step, Forward.DefaultStep(), "fd's forward step")
	assert.Panics(t, func() { Method(-1).DefaultStep() })
}

// TestGradientClosedForm checks every method against gradients derived by hand.
func TestGradientClosedForm(t *testing.T) {
	pts := testPoints(20, 5)
	for _, m := range Methods {
		t.Run(m.String(), func(t *testing.T) {
			tol := tolerances[m]
			for _, tf := range testFuncs {
				var worst float64
				want := make([]float64, 5)
				for _, x := range pts {
					tf.grad(want, x)
					worst = math.Max(worst, maxErr(estimate(tf, m, x), want))
				}
				t.Logf("%-14s worst error %.1e", tf.name, worst)
				assert.LessOrEqual(t, worst, tol, "%s on %s", m, tf.name)
			}
		})
	}
}

// TestGradientMatchesFD checks that the methods fd has are fd's: the same call
// with the same formula and step gives the same bits. FivePoint is fd.Gradient
// with the stencil written out here.
func TestGradientMatchesFD(t *testing.T) {
	x := testPoints(1, 5)[0]
	for _, test := range []struct {
		name    string
		m       Method
		formula fd.Formula
		step    float64
	}{
		{"central default step", Central, fd.Central, 0},
		{"central step 1e-4", Central, fd.Central, 1e-4},
		{"forward default step", Forward, fd.Forward, 0},
		{"forward step 1e-6", Forward, fd.Forward, 1e-6},
		{"backward default step", Backward, fd.Backward, 0},
		{"backward step 1e-6", Backward, fd.Backward, 1e-6},
		{"five-point", FivePoint, fd.Formula{
			Stencil:    []fd.Point{{Loc: -2, Coeff: 1.0 / 12}, {Loc: -1, Coeff: -8.0 / 12}, {Loc: 1, Coeff: 8.0 / 12}, {Loc: 2, Coeff: -1.0 / 12}},
			Derivative: 1,
			Step:       1e-3,
		}, 0},
	} {
		t.Run(test.name, func(t *testing.T) {
			for _, tf := range testFuncs {
				want := fd.Gradient(nil, tf.f, x, &fd.Settings{Formula: test.formula, Step: test.step})
				got := Gradient(nil, tf.f, x, &Settings{Method: test.m, Step: test.step})
				assert.Equal(t, want, got, tf.name)

				// Concurrently, fd sums each entry's terms in any order:
				// exact for two terms, a few roundings for four.
				want = fd.Gradient(nil, tf.f, x, &fd.Settings{Formula: test.formula, Step: test.step, Concurrent: true})
				got = Gradient(nil, tf.f, x, &Settings{Method: test.m, Step: test.step, Concurrent: true})
				assert.LessOrEqual(t, maxErr(got, want), 1e-11, tf.name)
			}
		})
	}
}

// TestRichardsonIsFivePoint checks the identity behind Richardson's default
// step: (4 D(h/2) − D(h))/3 expands to the five-point stencil of step h/2, so
// the two differ only by rounding, of order ε|f|/h ≈ 2e-11 for Rosenbrock.
func TestRichardsonIsFivePoint(t *testing.T) {
	for _, tf := range testFuncs {
		for _, x := range testPoints(5, 5) {
			for _, h := range []float64{1e-1, 1e-2, 2e-3} {
				r := Gradient(nil, tf.f, x, &Settings{Method: Richardson, Step: h})
				p := Gradient(nil, tf.f, x, &Settings{Method: FivePoint, Step: h / 2})
				assert.LessOrEqual(t, maxErr(r, p), 1e-10, "%s, h = %g", tf.name, h)
			}
		}
	}
}

// TestConcurrent checks that concurrent evaluation changes nothing but the
// order of the sums, which moves a four-point stencil's result by a few
// roundings of f divided by h: for Rosenbrock (|f| ≈ 100, h = 1e-3) about
// 1e-12.
func TestConcurrent(t *testing.T) {
	x := testPoints(1, 5)[0]
	for _, m := range Methods[:ComplexStep] {
		for _, tf := range testFuncs {
			serial := Gradient(nil, tf.f, x, &Settings{Method: m})
			conc := Gradient(nil, tf.f, x, &Settings{Method: m, Concurrent: true})
			assert.LessOrEqual(t, maxErr(conc, serial), 1e-11, "%s on %s", m, tf.name)
			for i := range x {
				p := Partial(tf.f, x, i, &Settings{Method: m, Concurrent: true})
				assert.LessOrEqual(t, errOf(p, serial[i]), 1e-11, "Partial %d, %s on %s", i, m, tf.name)
			}
		}
	}
}

func bits(x []float64) []uint64 {
	b := make([]uint64, len(x))
	for i, v := range x {
		b[i] = math.Float64bits(v)
	}
	return b
}

// TestDestinationAndInput checks that dst is allocated when nil and entirely
// overwritten otherwise, and that x is left bit for bit as it was, even when
// f scribbles on its argument.
func TestDestinationAndInput(t *testing.T) {
	tf := testFuncs[0]
	x := testPoints(1, 5)[0]
	x[2] = 0.1 // not exact in binary: x ± h ∓ h would not give it back
	orig := bits(x)
	scribble := func(x []float64) float64 {
		v := tf.f(x)
		for i := range x {
			x[i] = math.NaN()
		}
		return v
	}
	scribbleC := func(z []complex128) complex128 {
		v := tf.fc(z)
		for i := range z {
			z[i] = complex(math.NaN(), 0)
		}
		return v
	}
	for _, m := range Methods {
		t.Run(m.String(), func(t *testing.T) {
			grad := func(dst []float64, scribbling bool) []float64 {
				switch {
				case m == ComplexStep && scribbling:
					return ComplexGradient(dst, scribbleC, x, 0)
				case m == ComplexStep:
					return ComplexGradient(dst, tf.fc, x, 0)
				case scribbling:
					return Gradient(dst, scribble, x, &Settings{Method: m})
				}
				return Gradient(dst, tf.f, x, &Settings{Method: m})
			}

			want := grad(nil, false)
			require.Len(t, want, len(x), "nil dst is allocated")
			require.Equal(t, orig, bits(x), "x unchanged")

			dst := make([]float64, len(x))
			for i := range dst {
				dst[i] = math.NaN()
			}
			got := grad(dst, false)
			require.Same(t, &dst[0], &got[0], "dst is returned")
			require.Equal(t, bits(want), bits(dst), "NaNs in dst overwritten")
			require.Equal(t, orig, bits(x), "x unchanged")

			got = grad(nil, true)
			require.Equal(t, bits(want), bits(got), "f changing its argument changes nothing")
			require.Equal(t, orig, bits(x), "x unchanged by a scribbling f")

			if m == ComplexStep {
				return
			}
			for i := range x {
				p := Partial(scribble, x, i, &Settings{Method: m})
				require.Equal(t, math.Float64bits(want[i]), math.Float64bits(p), "Partial %d", i)
				require.Equal(t, orig, bits(x), "x unchanged by Partial")
			}
			v := RandomDirection(rand.New(rand.NewPCG(3, 4)), len(x))
			vOrig := bits(v)
			Directional(scribble, x, v, &Settings{Method: m})
			require.Equal(t, orig, bits(x), "x unchanged by Directional")
			require.Equal(t, vOrig, bits(v), "v unchanged by Directional")
		})
	}
}

// TestPartial checks that Partial gives Gradient's entries, bit for bit
// without concurrency, and with any step.
func TestPartial(t *testing.T) {
	x := testPoints(1, 5)[0]
	for _, m := range Methods[:ComplexStep] {
		for _, step := range []float64{0, 1e-4} {
			s := &Settings{Method: m, Step: step}
			for _, tf := range testFuncs {
				g := Gradient(nil, tf.f, x, s)
				for i := range x {
					assert.Equal(t, g[i], Partial(tf.f, x, i, s), "%s step %g on %s, entry %d", m, step, tf.name, i)
				}
			}
		}
	}
}

// TestDirectional checks the derivative along random unit vectors against
// vᵀ∇f with ∇f in closed form, and that along e_i it is Partial.
func TestDirectional(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pts := testPoints(10, 5)
	for _, m := range Methods[:ComplexStep] {
		t.Run(m.String(), func(t *testing.T) {
			s := &Settings{Method: m}
			grad := make([]float64, 5)
			for _, tf := range testFuncs {
				var worst float64
				for _, x := range pts {
					v := RandomDirection(rng, len(x))
					tf.grad(grad, x)
					worst = math.Max(worst, errOf(Directional(tf.f, x, v, s), floats.Dot(v, grad)))

					e := make([]float64, len(x))
					e[1] = 1
					assert.Equal(t, Partial(tf.f, x, 1, s), Directional(tf.f, x, e, s), "along e_1, %s", tf.name)
				}
				t.Logf("%-14s worst error %.1e", tf.name, worst)
				assert.LessOrEqual(t, worst, tolerances[m], "%s on %s", m, tf.name)
			}
		})
	}
}

func TestRandomDirection(t *testing.T) {
	for _, n := range []int{1, 2, 7, 1000} {
		v := RandomDirection(rand.New(rand.NewPCG(7, uint64(n))), n)
		require.Len(t, v, n)
		assert.InDelta(t, 1, floats.Norm(v, 2), 1e-15, "unit length, n = %d", n)
		w := RandomDirection(rand.New(rand.NewPCG(7, uint64(n))), n)
		assert.Equal(t, v, w, "the same seed gives the same direction")
	}
	assert.InDelta(t, 1, floats.Norm(RandomDirection(nil, 10), 2), 1e-15, "nil rng")
	assert.Empty(t, RandomDirection(nil, 0))

	// The mean of many directions is near zero: no direction is favoured.
	rng := rand.New(rand.NewPCG(8, 9))
	mean := make([]float64, 3)
	const draws = 20000
	for range draws {
		floats.Add(mean, RandomDirection(rng, 3))
	}
	floats.Scale(1.0/draws, mean)
	// Each entry has variance 1/3, so the mean's standard deviation is
	// √(1/(3·draws)) ≈ 0.004; 0.02 is five of them.
	assert.InDeltaSlice(t, []float64{0, 0, 0}, mean, 0.02)
}

func TestPanics(t *testing.T) {
	x := []float64{1, 2, 3}
	f := testFuncs[0].f
	fc := testFuncs[0].fc
	for _, test := range []struct {
		name string
		fn   func()
		msg  string
	}{
		{"Gradient dst length", func() { Gradient(make([]float64, 2), f, x, nil) }, "numgrad: slice length mismatch"},
		{"ComplexGradient dst length", func() { ComplexGradient(make([]float64, 4), fc, x, 0) }, "numgrad: slice length mismatch"},
		{"Directional v length", func() { Directional(f, x, []float64{1}, nil) }, "numgrad: slice length mismatch"},
		{"Gradient complex step", func() { Gradient(nil, f, x, &Settings{Method: ComplexStep}) }, "ComplexGradient"},
		{"Partial complex step", func() { Partial(f, x, 0, &Settings{Method: ComplexStep}) }, "ComplexGradient"},
		{"Directional complex step", func() { Directional(f, x, x, &Settings{Method: ComplexStep}) }, "ComplexGradient"},
		{"negative step", func() { Gradient(nil, f, x, &Settings{Step: -1e-6}) }, "numgrad: step must be positive"},
		{"NaN step", func() { Gradient(nil, f, x, &Settings{Step: math.NaN()}) }, "numgrad: step must be positive"},
		{"negative complex step", func() { ComplexGradient(nil, fc, x, -1) }, "numgrad: step must be positive"},
		{"unknown method", func() { Gradient(nil, f, x, &Settings{Method: 42}) }, "numgrad: unknown method(42)"},
		{"Partial index", func() { Partial(f, x, 3, nil) }, "numgrad: index out of range"},
	} {
		t.Run(test.name, func(t *testing.T) {
			defer func() {
				r := recover()
				require.NotNil(t, r, "no panic")
				msg, ok := r.(string)
				require.True(t, ok, "panic value %v is a string", r)
				assert.True(t, strings.HasPrefix(msg, "numgrad: "), msg)
				assert.Contains(t, msg, test.msg)
			}()
			test.fn()
		})
	}
}

// TestDefaults checks that nil settings, zero fields and explicit defaults
// are the same thing.
func TestDefaults(t *testing.T) {
	x := testPoints(1, 5)[0]
	f := testFuncs[1].f
	want := Gradient(nil, f, x, &Settings{Method: Central, Step: 6e-6})
	assert.Equal(t, want, Gradient(nil, f, x, nil))
	assert.Equal(t, want, Gradient(nil, f, x, &Settings{}))
	assert.Equal(t, want[0], Partial(f, x, 0, nil))
	fc := testFuncs[1].fc
	assert.Equal(t, ComplexGradient(nil, fc, x, 1e-20), ComplexGradient(nil, fc, x, 0))
}

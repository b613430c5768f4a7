// Package exact computes a network's gradient in double-double arithmetic
// (about 32 significant digits), a reference for judging float64 ones.
package exact

import (
	"math"

	"github.com/backproof/backproof/derive"
	"gonum.org/v1/gonum/mat"
)

// Kink is the slope relu and leaky-relu take at a pre-activation on their
// kink, where the derivative does not exist and each one-sided slope is a
// valid choice (a subgradient).
type Kink int

const (
	// Left takes the slope for z < 0 (relu′ = 0, leaky-relu′ = 0.01), as
	// derive does at z = 0.
	Left Kink = iota
	// Right takes the slope for z > 0 (1).
	Right
)

func (k Kink) String() string {
	if k == Right {
		return "right"
	}
	return "left"
}

// Gradient returns ∂C/∂θ of n on the batch X, Y (laid out for n's
// convention) in the order of derive.Net.Params, computed in double-double
// arithmetic and rounded to float64, so that each entry is the exact
// gradient's nearest float64 to within an ulp, unless the entry is a sum
// whose terms cancel beyond 32 digits. A pre-activation of a relu or
// leaky-relu layer on its kink (see OnKink) takes slope k. dst is filled
// and returned (allocated when too short); n, X and Y are not changed.
//
// It is backpropagation itself, run in more precision:
//
//	δ^L = ∂C/∂a ⊙ f′(z^L)  (a − y for a sigmoid under cross-entropy; softmax through its Jacobian)
//	δ^{ℓ−1} = (W^ℓ)ᵀ δ^ℓ ⊙ f′(z^{ℓ−1})
//	∂C/∂W^ℓ = R Σ_x δ^ℓ (a^{ℓ−1})ᵀ,  ∂C/∂b^ℓ = R Σ_x δ^ℓ   (R = 1/m for a mean, exact)
//
// with every f, f′ and ∂C/∂a in forms that lose no digits where float64's
// do: σ′(z) = e/(1+e)² for e = e^{−|z|} rather than σ(1 − σ), and so on.
// A dropout layer's a and f′ are multiplied by D/p (a = D ⊙ f(z)/p), and
// an L2 term adds (λ/N) W^ℓ to ∂C/∂W^ℓ.
func Gradient(dst []float64, n *derive.Net, X, Y *mat.Dense, k Kink) []float64 {
	f := forward(n, X)
	return f.backward(dst, Y, k)
}

// OnKink counts the pre-activations of relu and leaky-relu layers that are
// on their kink: those within float64's rounding of 0, 4(n+1)·ε times the
// sum of their terms' sizes for a unit with n inputs, which a float64
// forward pass cannot tell from 0 (exactly 0 among them).
func OnKink(n *derive.Net, X *mat.Dense) int {
	f := forward(n, X)
	return f.onKink
}

// Gradients returns Gradient with the Left and the Right slope, and OnKink,
// from one forward pass; right is nil when no pre-activation is on a kink
// (it would be left).
func Gradients(n *derive.Net, X, Y *mat.Dense) (left, right []float64, onKink int) {
	f := forward(n, X)
	left = f.backward(nil, Y, Left)
	if f.onKink > 0 {
		right = f.backward(nil, Y, Right)
	}
	return left, right, f.onKink
}

// pass holds a forward pass in double-double, example by example: the
// layers in the row layout (w[ℓ][j·out+k] is the weight from input j to
// unit k of layer ℓ+1), and per example and layer z, a, f′(z) and whether
// each z is on a kink.
type pass struct {
	n      *derive.Net
	sizes  []int
	w      [][]float64
	x      [][]float64 // examples, n₀ numbers each
	z, a   [][][]dd    // [example][ℓ][unit], ℓ = 1..L (index 0: unused for z, the input for a)
	fp     [][][]dd    // f′(z), nil for softmax
	kink   [][][]bool  // on the kink
	onKink int
}

const eps = 0x1p-53 // float64's unit roundoff

func forward(n *derive.Net, X *mat.Dense) *pass {
	sizes := n.Sizes()
	L := len(n.Layers)
	f := &pass{n: n, sizes: sizes, w: make([][]float64, L)}
	for ℓ, l := range n.Layers {
		in, out := sizes[ℓ], sizes[ℓ+1]
		w := make([]float64, in*out)
		for j := 0; j < in; j++ {
			for k := 0; k < out; k++ {
				if n.Convention.ColumnLayout() {
					w[j*out+k] = l.W.At(k, j)
				} else {
					w[j*out+k] = l.W.At(j, k)
				}
			}
		}
		f.w[ℓ] = w
	}
	xr, xc := X.Dims()
	m := xr
	if n.Convention.ColumnLayout() {
		m = xc
	}
	for x := 0; x < m; x++ {
		if n.Convention.ColumnLayout() {
			f.x = append(f.x, mat.Col(nil, x, X))
		} else {
			f.x = append(f.x, mat.Row(nil, x, X))
		}
	}
	f.z, f.a, f.fp, f.kink = make([][][]dd, m), make([][][]dd, m), make([][][]dd, m), make([][][]bool, m)
	for x := 0; x < m; x++ {
		f.z[x], f.a[x], f.fp[x], f.kink[x] = make([][]dd, L+1), make([][]dd, L+1), make([][]dd, L+1), make([][]bool, L+1)
		in := make([]dd, sizes[0])
		for j, v := range f.x[x] {
			in[j] = fromF(v)
		}
		f.a[x][0] = in
		for ℓ := 1; ℓ <= L; ℓ++ {
			f.layer(x, ℓ)
		}
	}
	return f
}

// layer computes z, a, f′ and the kinks of layer ℓ for example x.
func (f *pass) layer(x, ℓ int) {
	l := f.n.Layers[ℓ-1]
	in, out := f.sizes[ℓ-1], f.sizes[ℓ]
	w := f.w[ℓ-1]
	z := make([]dd, out)
	size := make([]float64, out) // Σ |terms|, for the kink test
	for k := 0; k < out; k++ {
		z[k] = fromF(l.B[k])
		size[k] = math.Abs(l.B[k])
	}
	prev := f.a[x][ℓ-1]
	for j := 0; j < in; j++ {
		aj := prev[j]
		if aj.hi == 0 && aj.lo == 0 {
			continue // MNIST's blank pixels, a relu that is off
		}
		row := w[j*out : (j+1)*out]
		for k, wjk := range row {
			var t dd
			if ℓ == 1 {
				t = prodF(aj.hi, wjk)
			} else {
				t = mulF(aj, wjk)
			}
			z[k] = add(z[k], t)
			size[k] += math.Abs(t.hi)
		}
	}
	a, fp := make([]dd, out), make([]dd, out)
	var kink []bool
	if l.Act.Kinked() {
		kink = make([]bool, out)
		for k := range z {
			if math.Abs(z[k].hi) <= 4*float64(in+1)*eps*size[k] {
				kink[k] = true
				f.onKink++
			}
		}
	}
	if l.Act == derive.Softmax {
		softmax(a, z)
		fp = nil
	} else {
		for k := range z {
			a[k], fp[k] = activate(l.Act, z[k])
			if l.Drop != nil { // a = D ⊙ f(z)/p, and ∂a/∂z = D ⊙ f′(z)/p
				d := dd{}
				if l.Drop.Kept(f.n.Convention, k, x) {
					d = div(one, fromF(l.Drop.Keep))
				}
				a[k], fp[k] = mul(a[k], d), mul(fp[k], d)
			}
		}
	}
	f.z[x][ℓ], f.a[x][ℓ], f.fp[x][ℓ], f.kink[x][ℓ] = z, a, fp, kink
}

// activate returns f(z) and f′(z) for an elementwise f; a kinked f's f′
// here is the one-sided slope of z's own side (Left at 0).
func activate(act derive.Activation, z dd) (a, fp dd) {
	switch act {
	case derive.Sigmoid:
		e := exp(neg(absDD(z))) // e^{−|z|}
		d := add(one, e)
		if z.hi >= 0 {
			a = div(one, d)
		} else {
			a = div(e, d)
		}
		return a, div(e, mul(d, d)) // σ′ = e/(1+e)², no 1 − σ
	case derive.Tanh:
		if math.Abs(z.hi) < 0.5 {
			t := expm1(scale2(z, 1))
			a = div(t, add(t, fromF(2)))
		} else {
			e := exp(scale2(neg(absDD(z)), 1)) // e^{−2|z|}
			a = div(sub(one, e), add(one, e))
			if z.hi < 0 {
				a = neg(a)
			}
		}
		e := exp(scale2(neg(absDD(z)), 1))
		d := add(one, e)
		return a, div(scale2(e, 2), mul(d, d)) // 1 − tanh² = 4e/(1+e)²
	case derive.ReLU:
		if z.hi > 0 {
			return z, one
		}
		return dd{}, dd{}
	case derive.LeakyReLU:
		if z.hi > 0 {
			return z, one
		}
		return mulF(z, leakySlope), fromF(leakySlope)
	case derive.Softplus:
		e := exp(neg(absDD(z)))
		a = log1p(e)
		if z.hi > 0 {
			a = add(z, a) // ln(1+e^z) = z + ln(1+e^{−z})
		}
		s, _ := activate(derive.Sigmoid, z)
		return a, s
	case derive.Identity:
		return z, one
	case derive.ELU:
		if z.hi > 0 {
			return z, one
		}
		return expm1(z), exp(z)
	case derive.GELU:
		// z σ(2u), u = c(z + k z³), with derive's float64 c and k:
		// f′ = σ(2u) + z σ′(2u) · 2c(1 + 3k z²).
		z2 := mul(z, z)
		u := mulF(add(z, mulF(mul(z2, z), geluK)), geluC)
		s, sp := activate(derive.Sigmoid, scale2(u, 1))
		du := mulF(add(one, mulF(mulF(z2, geluK), 3)), 2*geluC)
		return mul(z, s), add(s, mul(z, mul(sp, du)))
	}
	panic("exact: no activation " + act.String())
}

// leakySlope is leaky-relu's slope for z < 0, derive's float64 0.01.
const leakySlope = 0.01

// gelu's constants as derive rounds them: u = geluC (z + geluK z³).
var geluC = math.Sqrt(2 / math.Pi)

const geluK = 0.044715

func absDD(x dd) dd {
	if x.hi < 0 {
		return neg(x)
	}
	return x
}

// softmax sets a_k = e^{z_k − max z} / Σ_j e^{z_j − max z}.
func softmax(a, z []dd) {
	top := z[0]
	for _, v := range z {
		if v.hi > top.hi || v.hi == top.hi && v.lo > top.lo {
			top = v
		}
	}
	var sum dd
	for k, v := range z {
		a[k] = exp(sub(v, top))
		sum = add(sum, a[k])
	}
	for k := range a {
		a[k] = div(a[k], sum)
	}
}

// backward runs the backward pass with kink slope k and writes the
// gradient, rounded, into dst in the order of derive.Net.Params.
func (f *pass) backward(dst []float64, Y *mat.Dense, kink Kink) []float64 {
	n, sizes := f.n, f.sizes
	L := len(n.Layers)
	m := len(f.x)
	dW, db := make([][]dd, L+1), make([][]dd, L+1)
	for ℓ := 1; ℓ <= L; ℓ++ {
		dW[ℓ], db[ℓ] = make([]dd, sizes[ℓ-1]*sizes[ℓ]), make([]dd, sizes[ℓ])
	}
	y := make([]float64, sizes[L])
	for x := 0; x < m; x++ {
		for k := range y {
			if n.Convention.ColumnLayout() {
				y[k] = Y.At(k, x)
			} else {
				y[k] = Y.At(x, k)
			}
		}
		δ := f.outputDelta(x, y, kink)
		for ℓ := L; ℓ >= 1; ℓ-- {
			in, out := sizes[ℓ-1], sizes[ℓ]
			prev := f.a[x][ℓ-1]
			for j := 0; j < in; j++ {
				aj := prev[j]
				if aj.hi == 0 && aj.lo == 0 {
					continue
				}
				row := dW[ℓ][j*out : (j+1)*out]
				for k := range row {
					if ℓ == 1 {
						row[k] = add(row[k], mulF(δ[k], aj.hi))
					} else {
						row[k] = add(row[k], mul(δ[k], aj))
					}
				}
			}
			for k := range δ {
				db[ℓ][k] = add(db[ℓ][k], δ[k])
			}
			if ℓ == 1 {
				break
			}
			w := f.w[ℓ-1]
			next := make([]dd, in)
			for j := 0; j < in; j++ {
				var s dd
				row := w[j*out : (j+1)*out]
				for k, wjk := range row {
					s = add(s, mulF(δ[k], wjk))
				}
				next[j] = mul(s, f.slope(x, ℓ-1, j, kink))
			}
			δ = next
		}
	}
	if cap(dst) < n.NumParams() {
		dst = make([]float64, n.NumParams())
	}
	dst = dst[:n.NumParams()]
	R := one
	if n.Reduction == derive.Mean {
		R = div(one, fromF(float64(m)))
	}
	var decay dd // λ/N
	if n.L2.On() {
		decay = div(fromF(n.L2.Lambda), fromF(float64(n.L2.Divisor(n.Reduction, m))))
	}
	// weight is R ∂C₀/∂W + (λ/N) W for the weight from input j to unit k.
	weight := func(ℓ, j, k int) float64 {
		out := sizes[ℓ]
		g := mul(dW[ℓ][j*out+k], R)
		if n.L2.On() {
			g = add(g, mulF(decay, f.w[ℓ-1][j*out+k]))
		}
		return g.hi
	}
	i := 0
	for ℓ := 1; ℓ <= L; ℓ++ {
		in, out := sizes[ℓ-1], sizes[ℓ]
		if n.Convention.ColumnLayout() {
			for k := 0; k < out; k++ {
				for j := 0; j < in; j++ {
					dst[i] = weight(ℓ, j, k)
					i++
				}
			}
		} else {
			for j := 0; j < in; j++ {
				for k := 0; k < out; k++ {
					dst[i] = weight(ℓ, j, k)
					i++
				}
			}
		}
		for k := 0; k < out; k++ {
			dst[i] = mul(db[ℓ][k], R).hi
			i++
		}
	}
	return dst
}

// slope is f′(z^ℓ_j) of example x, with kink slope k on a kink.
func (f *pass) slope(x, ℓ, j int, k Kink) dd {
	if kinks := f.kink[x][ℓ]; kinks != nil && kinks[j] {
		if k == Right {
			return one
		}
		if f.n.Layers[ℓ-1].Act == derive.LeakyReLU {
			return fromF(leakySlope)
		}
		return dd{}
	}
	return f.fp[x][ℓ][j]
}

// outputDelta is δ^L = ∂C_x/∂z^L of example x, without R.
func (f *pass) outputDelta(x int, y []float64, kink Kink) []dd {
	n := f.n
	L := len(n.Layers)
	act := n.Layers[L-1].Act
	a := f.a[x][L]
	δ := make([]dd, len(a))
	if n.Cost == derive.CrossEntropy && act == derive.Sigmoid {
		for k := range a {
			δ[k] = sub(a[k], fromF(y[k])) // σ′ cancels a(1 − a) exactly
		}
		return δ
	}
	g := make([]dd, len(a))
	for k := range a {
		yk := fromF(y[k])
		switch n.Cost {
		case derive.Quadratic:
			g[k] = sub(a[k], yk)
		case derive.SumSquares:
			g[k] = scale2(sub(a[k], yk), 1)
		case derive.CrossEntropy:
			if y[k] != 0 {
				g[k] = neg(div(yk, a[k]))
			}
			if y[k] != 1 {
				g[k] = add(g[k], div(sub(one, yk), sub(one, a[k])))
			}
		case derive.LogLikelihood:
			if y[k] != 0 {
				g[k] = neg(div(yk, a[k]))
			}
		default:
			panic("exact: no cost " + n.Cost.String())
		}
	}
	if act == derive.Softmax {
		var ag dd
		for k := range a {
			ag = add(ag, mul(a[k], g[k]))
		}
		for k := range a {
			δ[k] = mul(a[k], sub(g[k], ag))
		}
		return δ
	}
	for k := range a {
		δ[k] = mul(g[k], f.slope(x, L, k, kink))
	}
	return δ
}

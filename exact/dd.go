package exact

import "math"

// dd is a double-double number hi + lo with |lo| ≤ ulp(hi)/2: about 106
// bits, 32 significant digits (Hida, Li and Bailey's QD library; Dekker
// 1971). hi alone is the number rounded to float64.
type dd struct{ hi, lo float64 }

var one = dd{1, 0}

// ln2 is ln 2 to double-double precision.
var ln2 = dd{6.931471805599452862e-01, 2.319046813846299558e-17}

// twoSum returns s = fl(a + b) and the exact rounding error e, a + b = s + e.
func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return s, e
}

// quickTwoSum is twoSum for |a| ≥ |b|.
func quickTwoSum(a, b float64) (s, e float64) {
	s = a + b
	e = b - (s - a)
	return s, e
}

// twoProd returns p = fl(a·b) and the exact error e, a·b = p + e.
func twoProd(a, b float64) (p, e float64) {
	p = a * b
	e = math.FMA(a, b, -p)
	return p, e
}

// norm keeps a non-finite hi from spreading NaN through lo.
func norm(s, e float64) dd {
	if math.IsInf(s, 0) || math.IsNaN(s) {
		return dd{s, 0}
	}
	return dd{s, e}
}

func add(x, y dd) dd {
	s, e := twoSum(x.hi, y.hi)
	t, f := twoSum(x.lo, y.lo)
	e += t
	s, e = quickTwoSum(s, e)
	e += f
	return norm(quickTwoSum(s, e))
}

func neg(x dd) dd        { return dd{-x.hi, -x.lo} }
func sub(x, y dd) dd     { return add(x, neg(y)) }
func fromF(x float64) dd { return dd{x, 0} }

func mul(x, y dd) dd {
	p, e := twoProd(x.hi, y.hi)
	e += x.hi*y.lo + x.lo*y.hi
	return norm(quickTwoSum(p, e))
}

// mulF is x·y for a float64 y.
func mulF(x dd, y float64) dd {
	p, e := twoProd(x.hi, y)
	e += x.lo * y
	return norm(quickTwoSum(p, e))
}

// prodF is the exact product of two float64s.
func prodF(a, b float64) dd {
	return norm(twoProd(a, b))
}

func div(x, y dd) dd {
	q1 := x.hi / y.hi
	if math.IsInf(q1, 0) || math.IsNaN(q1) || q1 == 0 {
		return dd{q1, 0}
	}
	r := sub(x, mulF(y, q1))
	q2 := r.hi / y.hi
	r = sub(r, mulF(y, q2))
	q3 := r.hi / y.hi
	q1, q2 = quickTwoSum(q1, q2)
	return add(dd{q1, q2}, dd{q3, 0})
}

// scale2 is x·2^k, exact.
func scale2(x dd, k int) dd {
	return dd{math.Ldexp(x.hi, k), math.Ldexp(x.lo, k)}
}

// expm1Small is e^r − 1 for |r| ≤ ln2/2: r/1024 into a Taylor series of
// 12 terms (|r/1024|^13/13! < 1e-55), then squared back ten times as
// s ← 2s + s², which keeps e^r − 1's relative precision near 0.
func expm1Small(r dd) dd {
	r = scale2(r, -10)
	s, p := r, r
	for i := 2; i <= 12; i++ {
		p = div(mul(p, r), fromF(float64(i)))
		s = add(s, p)
	}
	for range 10 {
		s = add(scale2(s, 1), mul(s, s))
	}
	return s
}

// exp is e^x: x = k·ln2 + r with |r| ≤ ln2/2, e^x = 2^k (1 + expm1Small(r)).
func exp(x dd) dd {
	switch {
	case x.hi > 709.78:
		return dd{math.Inf(1), 0}
	case x.hi < -745.2:
		return dd{}
	}
	k := math.Round(x.hi / ln2.hi)
	r := sub(x, mulF(ln2, k))
	e := add(one, expm1Small(r))
	if k > 1000 || k < -1000 {
		// 2^k itself would overflow or underflow: scale in two steps.
		h := int(k) / 2
		return scale2(scale2(e, h), int(k)-h)
	}
	return scale2(e, int(k))
}

// expm1 is e^x − 1, precise near 0 too.
func expm1(x dd) dd {
	if math.Abs(x.hi) <= 0.34 {
		return expm1Small(x)
	}
	return sub(exp(x), one)
}

// log is ln x for x > 0: one Newton step y ← y + x·e^{−y} − 1 from
// float64's ln, which doubles its 53 bits.
func log(x dd) dd {
	if x.hi <= 0 {
		return dd{math.NaN(), 0}
	}
	y := fromF(math.Log(x.hi))
	if math.IsInf(y.hi, 0) {
		return y
	}
	return add(y, sub(mul(x, exp(neg(y))), one))
}

// log1p is ln(1 + u), precise near 0 too: its Taylor series for
// |u| < 1e-2 (40 terms: 0.01^41/41 < 1e-83), else ln of 1 + u.
func log1p(u dd) dd {
	if math.Abs(u.hi) >= 1e-2 {
		return log(add(one, u))
	}
	s, p := u, u
	for i := 2; i <= 40; i++ {
		p = mul(p, neg(u))
		s = add(s, div(p, fromF(float64(i))))
	}
	return s
}

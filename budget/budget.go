// Package budget estimates the memory a request needs and refuses one
// that exceeds a limit, before anything large is allocated.
package budget

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/backproof/backproof/internal/printf"
)

// Bytes is an amount of memory. Arithmetic on Bytes saturates at Huge
// instead of wrapping: a size from a flag such as --net 9223372036854775807
// must give an estimate too large to allow, never a small or negative one.
type Bytes int64

// Huge is where estimates saturate: more memory than any machine has.
const Huge = Bytes(math.MaxInt64)

// Default is the limit when none is given: 4 GiB, enough for every run in
// the docs (MNIST as float64 takes 0.4 GiB, a check of [784,1000,1000,10]
// under 0.1 GiB) and below the memory of an ordinary laptop, so that a
// mistyped size is refused instead of sending the machine into swap.
const Default = 4 << 30

// Float64 is the size of one float64, the unit of most estimates.
const Float64 Bytes = 8

// Count multiplies counts (layer sizes, examples, directions…) without
// overflow: the product saturates at math.MaxInt64, and a negative factor
// counts as 0.
func Count(n ...int) int {
	p := 1
	for _, k := range n {
		if k <= 0 {
			return 0
		}
		if p > math.MaxInt64/k {
			return math.MaxInt64
		}
		p *= k
	}
	return p
}

// Add sums counts without overflow: the sum saturates at math.MaxInt64,
// and a negative term counts as 0.
func Add(n ...int) int {
	s := 0
	for _, k := range n {
		s = add(s, max(k, 0))
	}
	return s
}

// Floats is the memory of the product of n float64 values.
func Floats(n ...int) Bytes { return Float64.Times(Count(n...)) }

// Times is b·k, saturating; a negative k counts as 0.
func (b Bytes) Times(k int) Bytes {
	if k <= 0 || b <= 0 {
		return 0
	}
	if b > Huge/Bytes(k) {
		return Huge
	}
	return b * Bytes(k)
}

// Plus is b + c, saturating.
func (b Bytes) Plus(c Bytes) Bytes {
	if c > Huge-b {
		return Huge
	}
	return b + c
}

// Sum adds amounts, saturating.
func Sum(b ...Bytes) Bytes {
	var s Bytes
	for _, x := range b {
		s = s.Plus(x)
	}
	return s
}

// Params is the number of weights and biases of a fully connected network
// with layer sizes n₀, n₁, …, n_L: Σ n_{ℓ−1}·n_ℓ + n_ℓ, saturating.
func Params(sizes []int) int {
	p := 0
	for l := 1; l < len(sizes); l++ {
		p = add(p, Count(add(sizes[l-1], 1), sizes[l]))
	}
	return p
}

// Units is n₁ + … + n_L, the values one example makes in a forward pass,
// saturating.
func Units(sizes []int) int {
	u := 0
	for _, n := range sizes[min(1, len(sizes)):] {
		u = add(u, max(n, 0))
	}
	return u
}

func add(a, b int) int {
	if b > math.MaxInt64-a {
		return math.MaxInt64
	}
	return a + b
}

var units = []struct {
	name  string
	bytes Bytes
}{{"EiB", 1 << 60}, {"PiB", 1 << 50}, {"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}}

// String writes b in the largest binary unit it fills, to three figures:
// "4 GiB", "1.5 MiB", "512 B".
func (b Bytes) String() string {
	if b >= Huge {
		return "more than 8 EiB"
	}
	for _, u := range units {
		if b >= u.bytes {
			return strconv.FormatFloat(float64(b)/float64(u.bytes), 'g', 3, 64) + " " + u.name
		}
	}
	return printf.Sprintf("%d B", int64(b))
}

// Parse reads an amount such as "4GiB", "512 MiB", "1.5G", "100M", "1EiB"
// or "1000000" (bytes). K, M, G, T, P and E, with or without "iB" or "B",
// are powers of 1024, as for the memory of a machine. The number is read
// exactly (as a fraction, not a float64) and rounded down to whole bytes;
// an amount below one byte is refused, and one beyond 8 EiB is Huge.
func Parse(s string) (Bytes, error) {
	t := strings.TrimSpace(s)
	// The unit is the letters at the end; the number the rest. "1e9" has
	// none, "1EiB" and "1E" are exbibytes, "1e3K" is 1000 KiB.
	i := len(t)
	for i > 0 && unicode.IsLetter(rune(t[i-1])) {
		i--
	}
	num, unit := strings.TrimSpace(t[:i]), strings.ToUpper(t[i:])
	shift := 0
	switch strings.TrimSuffix(strings.TrimSuffix(unit, "B"), "I") {
	case "":
	case "K":
		shift = 10
	case "M":
		shift = 20
	case "G":
		shift = 30
	case "T":
		shift = 40
	case "P":
		shift = 50
	case "E":
		shift = 60
	default:
		return 0, printf.Errorf("unknown unit %q (want an amount such as 4GiB, 512MiB or 1000000)", t[i:])
	}
	whole, ok := wholeBytes(num, shift)
	if !ok {
		return 0, printf.Errorf("want a positive amount such as 4GiB, 512MiB or 1000000, not %q", s)
	}
	if whole == "" {
		return 0, printf.Errorf("%q is less than one byte; want an amount such as 4GiB, 512MiB or 1000000", s)
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return Huge, nil // more digits than an int64 holds
	}
	return Bytes(n), nil
}

// wholeBytes is the decimal number num (digits, an optional point and
// exponent: 1.5, 1e9, 2.5e-3) times 2^shift, rounded down, as digits with
// no leading zero ("" for 0), computed exactly on decimal digits rather
// than in a float64 (2⁵³+1 stays itself) and without math/big, which
// would add 50 KB compressed to the page in the browser. ok is false when
// num is not such a number or is not positive.
func wholeBytes(num string, shift int) (whole string, ok bool) {
	mant, exp, _ := strings.Cut(strings.ReplaceAll(num, "E", "e"), "e")
	mant = strings.TrimPrefix(mant, "+")
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	e := 0
	if exp != "" {
		x, err := strconv.Atoi(exp)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return "", false
		}
		e = x
	}
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return "", false
	}
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return "", false // zero
	}
	// The number is digits·10^point, its integer part point+len(digits)
	// digits long: past 40 digits it is beyond 2⁶³ (Huge); below −25
	// it stays under one byte even times 2⁶⁰.
	point := e - len(frac)
	size := point + len(digits)
	switch {
	case e > 1<<30 || size > 40:
		return strings.Repeat("9", 41), true
	case e < -(1<<30) || size < -25:
		return "", true
	}
	d := []byte(digits)
	if point > 0 {
		d = append(d, strings.Repeat("0", point)...)
		point = 0
	}
	for range shift { // d·2, in decimal
		carry := byte(0)
		for i := len(d) - 1; i >= 0; i-- {
			v := (d[i]-'0')*2 + carry
			d[i], carry = '0'+v%10, v/10
		}
		if carry > 0 {
			d = append([]byte{'1'}, d...)
		}
	}
	if -point >= len(d) {
		return "", true
	}
	return strings.TrimLeft(string(d[:len(d)+point]), "0"), true
}

// MarshalText writes b as String does when exact, else in bytes, so that
// Parse reads back the same amount.
func (b Bytes) MarshalText() ([]byte, error) {
	for _, u := range units {
		if b >= u.bytes && b%u.bytes == 0 {
			return []byte(strconv.FormatInt(int64(b/u.bytes), 10) + u.name), nil
		}
	}
	return []byte(strconv.FormatInt(int64(b), 10)), nil
}

// UnmarshalText reads what Parse reads.
func (b *Bytes) UnmarshalText(text []byte) (err error) {
	*b, err = Parse(string(text))
	return err
}

// Error is a request refused for its memory: what was asked, about how
// much it needs, and the limit.
type Error struct {
	What  string // the request, such as "a check of a [100000000 2] network with a batch of 5"
	Need  Bytes
	Limit Bytes
}

func (e *Error) Error() string {
	if e.Need >= Huge {
		return printf.Sprintf("%s needs more than 8 EiB of memory, far more than the limit of %v", e.What, e.Limit)
	}
	return printf.Sprintf("%s needs about %v of memory, more than the limit of %v", e.What, e.Need, e.Limit)
}

// ErrTooLarge matches every *Error with errors.Is.
var ErrTooLarge = errors.New("budget: over the memory limit")

// Is makes errors.Is(err, ErrTooLarge) true for an *Error.
func (e *Error) Is(target error) bool { return target == ErrTooLarge }

// Check returns an *Error when need exceeds limit, nil otherwise. A limit
// of 0 means Default.
func Check(what string, need, limit Bytes) error {
	if limit <= 0 {
		limit = Default
	}
	if need > limit {
		return &Error{What: what, Need: need, Limit: limit}
	}
	return nil
}

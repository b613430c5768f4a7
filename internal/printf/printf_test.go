package printf

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strconv"
	"strings"
	"testing"
)

// fmt itself is the oracle: every case is formatted by both and the
// bytes must be equal.

// formatsInUse are the verbs, flags, widths and precisions that
// backproof's calls use (TestCallsPassFormattableTypes lists them from the
// code), and the neighbours a later call is likely to use.
var formatsInUse = []string{
	"%s", "%d", "%v", "%g", "%q", "%T", "%w",
	"%.0e", "%.2e", "%+.8e", "%+.10e", "%+.15e", "%e", "%E",
	"%.0f", "%.1f", "%.2f", "%f", "%F",
	"%.1g", "%.2g", "%.3g", "%.4g", "%.6g", "%.10g", "%G",
	"%-11.3g", "%-12.3g", "%8.3g", "%08.3f", "% .3g", "%+g", "%#g", "%#v",
	"%-4s", "%-6s", "%-9s", "%-11s", "%-12s", "%-19s", "%-22s", "%-25s", "%-34s", "%10s", "%.3s", "%x", "%X",
	"%-4d", "%-6d", "%-12d", "%4d", "%04d", "%+d", "% d", "%x", "%o", "%b", "%c", "%U", "%#x",
	"%t", "%+q", "%#q", "%5t", "%[1]s", "%[2]v", "%*d", "%.*f",
}

type named int

func (n named) String() string { return "named(" + strconv.Itoa(int(n)) + ")" }

type code string

func (c code) String() string { return string(c) }

type failing struct{}

func (failing) Error() string { return "it failed" }

type panicky struct{}

func (panicky) String() string { panic("boom") }

// values are arguments of every type the package formats.
func values() []any {
	return []any{
		nil, true, false,
		0, 1, -1, 42, -1234567, math.MaxInt64, math.MinInt64,
		int8(-8), int16(300), int32(-70000), int64(1 << 40),
		uint(7), uint8(255), uint16(65535), uint32(1 << 31), uint64(math.MaxUint64), uintptr(12),
		0.0, math.Copysign(0, -1), 1.0, -1.5, 0.1, 1.0 / 3, 2.5e-300, 1e21, 1e20, 123456789.0, 1e-7, -6.02214076e23,
		math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, math.SmallestNonzeroFloat64,
		float32(0.1), float32(-3.25e10),
		"", "a", "hello, world", "Ω ∇_z C F′", "tab\there", "\"quoted\"", "\x00\xff", "émigré",
		[]int{}, []int{3, 4, 1}, []int{-2}, []int(nil),
		named(3), code("dW2"), errors.New("plain error"), failing{}, fs.ErrNotExist,
	}
}

func TestSameBytesAsFmt(t *testing.T) {
	for _, format := range formatsInUse {
		for _, v := range values() {
			args := []any{v}
			switch format {
			case "%[2]v":
				args = []any{"first", v}
			case "%*d", "%.*f":
				args = []any{7, v}
			}
			want := fmt.Sprintf(format, args...)
			if _, known := typeName(v); !known && v != nil && !fmtKnows(v, format) {
				continue // fmt reads its type by reflect: tested in TestUnsupported
			}
			if got := Sprintf(format, args...); got != want {
				t.Errorf("Sprintf(%q, %#v) = %q, fmt writes %q", format, v, got, want)
			}
		}
	}
}

// fmtKnows reports whether fmt formats v with format without reflect,
// through its String or Error method.
func fmtKnows(v any, format string) bool {
	verb := format[len(format)-1]
	if strings.Contains(format, "#") {
		return false
	}
	switch v.(type) {
	case error, fmt.Stringer:
		return strings.IndexByte("vsxXq", verb) >= 0
	}
	return false
}

func TestMalformedAsFmt(t *testing.T) {
	cases := []struct {
		format string
		args   []any
	}{
		{"no verbs", nil},
		{"extra", []any{1, "two", 3.5}},
		{"%d %d", []any{1}},
		{"%!", nil},
		{"%", nil},
		{"100%%", nil},
		{"%[3]d", []any{1, 2}},
		{"%[0]d", []any{1}},
		{"%[1]d %[1]x %d", []any{10, 20}},
		{"%[2]*[1]d", []any{12, 5}},
		{"%.[2]d", []any{1, 2}},
		{"%*d", []any{"wide", 3}},
		{"%.*d", []any{-1, 3}},
		{"%-*d|", []any{-5, 3}},
		{"%d", []any{"string"}},
		{"%s", []any{3.5}},
		{"%t", []any{1}},
		{"%z", []any{true}},
		{"%d", []any{nil}},
		{"%s", []any{[]int{1, 2}}},
		{"%x", []any{[]int{255, 16}}},
		{"%5d|", []any{[]int{1, 22}}},
		{"%#v", []any{[]int(nil)}},
		{"%!d(BADINDEX)", nil},
		{"%v %v", []any{panicky{}, 1}},
		{"%s", []any{panicky{}}},
		{"%d", []any{uint64(math.MaxUint64)}},
		{"%*d", []any{uint64(math.MaxUint64), 1}},
		{"%*d", []any{int64(1 << 40), 1}},
		{"%.*d", []any{uint8(3), 7}},
	}
	for _, c := range cases {
		want := fmt.Sprintf(c.format, c.args...)
		if got := Sprintf(c.format, c.args...); got != want {
			t.Errorf("Sprintf(%q, %#v) = %q, fmt writes %q", c.format, c.args, got, want)
		}
	}
}

func TestSprintAndFprintAsFmt(t *testing.T) {
	for _, args := range [][]any{
		{}, {1}, {"a", "b"}, {1, 2}, {"a", 1, 2, "b"}, {1.5, true, nil}, {named(1), named(2)},
		{[]int{1, 2}, errors.New("e")},
	} {
		if got, want := Sprint(args...), fmt.Sprint(args...); got != want {
			t.Errorf("Sprint(%#v) = %q, fmt writes %q", args, got, want)
		}
		var got, want bytes.Buffer
		Fprintln(&got, args...)
		fmt.Fprintln(&want, args...)
		if got.String() != want.String() {
			t.Errorf("Fprintln(%#v) wrote %q, fmt writes %q", args, got.String(), want.String())
		}
		got.Reset()
		want.Reset()
		n, err := Fprintf(&got, "%v|%v", args...)
		wn, werr := fmt.Fprintf(&want, "%v|%v", args...)
		if got.String() != want.String() || n != wn || err != werr {
			t.Errorf("Fprintf(%#v) wrote %q (%d, %v), fmt writes %q (%d, %v)", args, got.String(), n, err, want.String(), wn, werr)
		}
	}
}

func TestErrorfWrapsAsFmt(t *testing.T) {
	base := fs.ErrNotExist
	other := errors.New("other")
	var pathErr *fs.PathError
	asTarget := &fs.PathError{Op: "open", Path: "x.npz", Err: base}
	cases := []struct {
		name   string
		format string
		args   []any
	}{
		{"no verb", "plain message", nil},
		{"no %w", "layer %d: %v", []any{2, base}},
		{"one %w", "reading %s: %w", []any{"x.npz", base}},
		{"one %w of a path error", "problem: %w", []any{asTarget}},
		{"two %w", "%w and %w", []any{base, other}},
		{"two %w reordered", "%[2]w then %[1]w", []any{base, other}},
		{"same %w twice", "%[1]w, %[1]w", []any{base}},
		{"%w of a non-error", "%w", []any{"text"}},
		{"%w of nil", "%w", []any{nil}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, want := Errorf(c.format, c.args...), fmt.Errorf(c.format, c.args...)
			if got.Error() != want.Error() {
				t.Fatalf("Errorf: %q, fmt: %q", got.Error(), want.Error())
			}
			for _, target := range []error{base, other, asTarget} {
				if g, w := errors.Is(got, target), errors.Is(want, target); g != w {
					t.Errorf("errors.Is(·, %v) = %v, fmt's %v", target, g, w)
				}
			}
			if g, w := errors.As(got, &pathErr), errors.As(want, &pathErr); g != w {
				t.Errorf("errors.As(·, *fs.PathError) = %v, fmt's %v", g, w)
			}
			if g, w := errors.Unwrap(got), errors.Unwrap(want); g != w {
				t.Errorf("errors.Unwrap = %v, fmt's %v", g, w)
			}
			gm, gok := got.(interface{ Unwrap() []error })
			wm, wok := want.(interface{ Unwrap() []error })
			if gok != wok {
				t.Fatalf("Unwrap() []error: %v, fmt's %v", gok, wok)
			}
			if gok && fmt.Sprint(gm.Unwrap()) != fmt.Sprint(wm.Unwrap()) {
				t.Errorf("Unwrap() = %v, fmt's %v", gm.Unwrap(), wm.Unwrap())
			}
		})
	}
}

// TestUnsupported: a type this package cannot name prints visibly,
// never panics and never prints a wrong value.
func TestUnsupported(t *testing.T) {
	type plain int
	type shape struct{ R, C int }
	for _, c := range []struct {
		format string
		arg    any
		want   string
	}{
		{"%v", plain(3), "%!v(printf: unsupported type)"},
		{"%d", plain(3), "%!d(printf: unsupported type)"},
		{"%s", shape{2, 3}, "%!s(printf: unsupported type)"},
		{"%v", []float64{1}, "%!v(printf: unsupported type)"},
		{"%d", named(3), "%!d(printf: unsupported type)"},
		{"%w", errors.New("wrapped"), "%!w(printf: unsupported type)"}, // outside Errorf
		{"%T", named(3), "%!T(printf: unsupported type)"},
		{"[%5v]", plain(1), "[%!v(printf: unsupported type)]"},
	} {
		if got := Sprintf(c.format, c.arg); got != c.want {
			t.Errorf("Sprintf(%q, %#v) = %q, want %q", c.format, c.arg, got, c.want)
		}
	}
	if got, want := Sprintf("%d", 1, plain(2)), "1%!(EXTRA ?=%!v(printf: unsupported type))"; got != want {
		t.Errorf("extra unsupported: %q, want %q", got, want)
	}
}

// FuzzSprintf formats random floats, ints and strings through every
// format in use and through formats made of random flags, widths,
// precisions and verbs, and wants fmt's bytes.
func FuzzSprintf(f *testing.F) {
	f.Add(0.1, int64(-42), "Ω", uint8(0), uint8(12), uint8(3), uint8(0))
	f.Add(math.Inf(-1), int64(math.MinInt64), "\"q\"\n", uint8(31), uint8(0), uint8(255), uint8(5))
	f.Add(1e21, int64(1<<53), "", uint8(5), uint8(99), uint8(0), uint8(9))
	f.Add(5e-324, int64(0), "\xff", uint8(16), uint8(1), uint8(17), uint8(14))
	const verbs = "vdsgGeEfFqxXobcUtT"
	f.Fuzz(func(t *testing.T, x float64, n int64, s string, flags, wid, prec, verb uint8) {
		formats := append([]string(nil), formatsInUse...)
		var b strings.Builder
		b.WriteByte('%')
		for i, c := range "-+# 0" {
			if flags&(1<<i) != 0 {
				b.WriteRune(c)
			}
		}
		if wid%2 == 1 {
			b.WriteString(strconv.Itoa(int(wid / 4)))
		}
		if prec%2 == 1 {
			b.WriteString("." + strconv.Itoa(int(prec/4)))
		}
		b.WriteByte(verbs[int(verb)%len(verbs)])
		formats = append(formats, b.String())
		args := []any{x, float32(x), int(n), n, int32(n), uint64(n), uint8(n), s, n%2 == 0, []int{int(n), int(n >> 32)}}
		for _, format := range formats {
			if format == "%w" || strings.HasPrefix(format, "%*") || strings.HasPrefix(format, "%.*") || format == "%[2]v" {
				continue
			}
			for _, a := range args {
				if got, want := Sprintf(format, a), fmt.Sprintf(format, a); got != want {
					t.Errorf("Sprintf(%q, %#v) = %q, fmt writes %q", format, a, got, want)
				}
			}
		}
	})
}

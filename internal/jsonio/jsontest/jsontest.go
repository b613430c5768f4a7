// Package jsontest checks a type's JSON, written with jsonio, against
// encoding/json's for the same value: Fill gives a value random contents
// by reflection, Same compares the bytes. For tests only: the reflection
// stays out of what the page links.
package jsontest

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// Fill sets every exported field of the value ptr points to at random, to
// what a JSON writer must tell apart: nil and empty slices and maps,
// nil pointers, zero numbers and empty strings (for omitempty), strings
// that need escaping, floats of every size and sign.
func Fill(rng *rand.Rand, ptr any) { fill(rng, reflect.ValueOf(ptr).Elem(), 0) }

func fill(rng *rand.Rand, v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && f.Tag.Get("json") != "-" {
				fill(rng, v.Field(i), depth)
			}
		}
	case reflect.Pointer:
		if depth < 3 && rng.IntN(3) > 0 {
			v.Set(reflect.New(v.Type().Elem()))
			fill(rng, v.Elem(), depth+1)
		}
	case reflect.Slice:
		switch n := rng.IntN(5); {
		case n == 0: // nil
		case n == 1 || depth >= 3:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			v.Set(reflect.MakeSlice(v.Type(), n-1, n-1))
			for i := range n - 1 {
				fill(rng, v.Index(i), depth+1)
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			fill(rng, v.Index(i), depth+1)
		}
	case reflect.Map:
		if rng.IntN(4) == 0 {
			return // nil
		}
		v.Set(reflect.MakeMap(v.Type()))
		for range rng.IntN(5) {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(rng, k, depth+1)
			fill(rng, e, depth+1)
			v.SetMapIndex(k, e)
		}
	case reflect.String:
		v.SetString(String(rng))
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Int, reflect.Int64:
		switch rng.IntN(3) {
		case 0:
			v.SetInt(0)
		case 1:
			v.SetInt(int64(rng.IntN(10)))
		default:
			v.SetInt(rng.Int64() >> rng.IntN(64))
			if rng.IntN(2) == 0 {
				v.SetInt(-v.Int())
			}
		}
	case reflect.Uint64, reflect.Uint:
		v.SetUint(rng.Uint64() >> rng.IntN(64))
	case reflect.Float64:
		v.SetFloat(Float(rng))
	default:
		panic("jsontest: cannot fill a " + v.Type().String())
	}
}

// Float is a random finite float64: zero of either sign, small integers,
// numbers around encoding/json's switch to exponents (1e-6, 1e21), any
// bit pattern.
func Float(rng *rand.Rand) float64 {
	for {
		var f float64
		switch rng.IntN(7) {
		case 0:
			f = 0
			if rng.IntN(2) == 0 {
				f = math.Copysign(0, -1)
			}
		case 1:
			f = float64(rng.IntN(200) - 100)
		case 2:
			f = math.Float64frombits(rng.Uint64())
		case 3:
			f = rng.NormFloat64() * 1e-6
		case 4:
			f = rng.NormFloat64() * 1e21
		default:
			f = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
		}
		if !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f
		}
	}
}

// String is a random string of pieces that JSON writers escape, or not.
func String(rng *rand.Rand) string {
	if rng.IntN(4) == 0 {
		return ""
	}
	pieces := []string{"a", "dW2", " ", "\"", "\\", "<", ">", "&", "\n", "\t", "\x01", "\x7f", "\xff", "é", "∇_z C",
		"Ω", "\u2028", "\u2029", "😀", "\xed\xa0\x80", "ℓ−1"}
	var b strings.Builder
	for range 1 + rng.IntN(6) {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

// Same fails t unless marshal returns what encoding/json's Marshal
// writes for v.
func Same(t testing.TB, v any, marshal func() ([]byte, error)) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	got, err := marshal()
	if err != nil {
		t.Fatalf("jsonio: %v", err)
	}
	if string(got) != string(want) {
		t.Fatalf("jsonio wrote\n%s\nencoding/json writes\n%s", got, want)
	}
}

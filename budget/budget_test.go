package budget

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Products and sums of sizes saturate: the largest int a flag can give
// must make an estimate too large to allow, never one that wrapped round
// to something small or negative.
func TestSaturation(t *testing.T) {
	assert.Equal(t, 784*30, Count(784, 30))
	assert.Equal(t, math.MaxInt64, Count(math.MaxInt64, 2))
	assert.Equal(t, math.MaxInt64, Count(1<<32, 1<<32))
	assert.Equal(t, 0, Count(5, -1), "a negative count is no memory")
	assert.Equal(t, Huge, Floats(math.MaxInt64/4))
	assert.Equal(t, Huge, Bytes(1).Plus(Huge))
	assert.Equal(t, Huge, Sum(Huge-1, Huge-1))
	assert.Equal(t, Bytes(24), Floats(3))
	assert.Equal(t, 7, Add(3, 4, -2))
	assert.Equal(t, math.MaxInt64, Add(math.MaxInt64, 1))

	// [784,30,10]: 784·30 + 30 + 30·10 + 10 = 23,860 (Nielsen's net).
	assert.Equal(t, 23860, Params([]int{784, 30, 10}))
	assert.Equal(t, 40, Units([]int{784, 30, 10}))
	assert.Equal(t, math.MaxInt64, Params([]int{math.MaxInt64, 2}))
	assert.Equal(t, math.MaxInt64, Units([]int{2, math.MaxInt64, math.MaxInt64}))
}

func TestParseAndString(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Bytes
	}{
		{"4GiB", 4 << 30},
		{"4 GiB", 4 << 30},
		{"4G", 4 << 30},
		{"4gb", 4 << 30},
		{"512MiB", 512 << 20},
		{"1.5KiB", 1536},
		{"1000000", 1000000},
		{"1e9", 1000000000},
		{"2TiB", 2 << 40},
		{"1e30", Huge},
		// Read exactly, rounded down to whole bytes.
		{"0.5KiB", 512},
		{"1.9", 1},
		{"1EiB", 1 << 60},
		{"1E", 1 << 60},
		{"2PiB", 2 << 50},
		{"7.99EiB", Bytes(799 * (1 << 60) / 100)}, // 2⁶⁰·7.99, below 2⁶³
		{"8EiB", Huge}, // 2⁶³ bytes: one more than an int64 holds
		{"9223372036854775807", Huge},
		{"9007199254740993", 9007199254740993}, // 2⁵³+1: a float64 would round it to 2⁵³
		{"1e3K", 1000 << 10},
	} {
		got, err := Parse(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	for _, bad := range []string{"", "lots", "-1GiB", "0", "4ZB", "NaN", "Inf", "GiB", "1/2", "0.5", "0.9B", "1e-30GiB"} {
		_, err := Parse(bad)
		assert.Error(t, err, bad)
	}
	_, err := Parse("0.5")
	assert.ErrorContains(t, err, `"0.5" is less than one byte`)
	assert.Equal(t, "1 EiB", Bytes(1<<60).String())
	assert.Equal(t, "4 GiB", Bytes(Default).String())
	assert.Equal(t, "1.5 MiB", Bytes(3<<19).String())
	assert.Equal(t, "512 B", Bytes(512).String())
	assert.Equal(t, "more than 8 EiB", Huge.String())

	// MarshalText reads back exactly.
	for _, b := range []Bytes{Default, 3 << 19, 1000001, 7} {
		text, err := b.MarshalText()
		require.NoError(t, err)
		var back Bytes
		require.NoError(t, back.UnmarshalText(text))
		assert.Equal(t, b, back, string(text))
	}
}

func TestCheck(t *testing.T) {
	assert.NoError(t, Check("a small net", 1<<20, 0))
	assert.NoError(t, Check("exactly the limit", Default, 0))
	err := Check("a check of [100000000 2]", Default+1, 0)
	var e *Error
	require.True(t, errors.As(err, &e))
	assert.Equal(t, Bytes(Default), e.Limit, "0 means the default limit")
	assert.True(t, errors.Is(err, ErrTooLarge))
	assert.True(t, errors.Is(fmt.Errorf("--net: %w", err), ErrTooLarge), "through wrapping")
	assert.Equal(t, "a check of [100000000 2] needs about 4 GiB of memory, more than the limit of 4 GiB", err.Error())
	assert.Contains(t, Check("x", Huge, 1<<20).Error(), "needs more than 8 EiB of memory, far more than the limit of 1 MiB")
}

// TestParseAsBigRat: Parse reads a decimal amount exactly, as math/big's
// rational numbers do (the oracle: the number as a fraction, times the
// unit, rounded down), over tricky spellings and random ones.
func TestParseAsBigRat(t *testing.T) {
	oracle := func(num string, shift uint) (Bytes, bool) {
		x, ok := new(big.Rat).SetString(num)
		if !ok || x.Sign() <= 0 {
			return 0, false
		}
		x.Mul(x, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), shift)))
		whole := new(big.Int).Quo(x.Num(), x.Denom())
		if !whole.IsInt64() {
			return Huge, true
		}
		return Bytes(whole.Int64()), true
	}
	nums := []string{"1", "+1", "1.", ".5", "0.5", "00012.50", "1e9", "1E9", "1e+9", "1e-9", "12.5e-1", "9223372036854775807",
		"9223372036854775808", "9223372036854775806.9", "1e18", "1e19", "0.0000000000000000000001", "123456789e-9",
		"4.000000000000000000000000001", "1e40", "1e-40", "1e999999999999", "1e-999999999999", "0.1e1", "7.99"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := strconv.FormatUint(rng.Uint64()>>rng.UintN(64), 10)
		if p := rng.IntN(len(n) + 1); rng.IntN(2) == 0 {
			n = n[:p] + "." + n[p:]
		}
		if rng.IntN(3) == 0 {
			n += "e" + strconv.Itoa(rng.IntN(50)-25)
		}
		nums = append(nums, n)
	}
	for _, num := range nums {
		for _, unit := range []struct {
			name  string
			shift uint
		}{{"", 0}, {"K", 10}, {"MiB", 20}, {"E", 60}} {
			in := num + unit.name
			want, ok := oracle(num, unit.shift)
			if num == "1e999999999999" { // beyond big.Rat's exponents; beyond 8 EiB
				want, ok = Huge, true
			}
			got, err := Parse(in)
			if ok && want == 0 {
				assert.ErrorContains(t, err, "less than one byte", in)
				continue
			}
			if !ok {
				assert.Error(t, err, in)
				continue
			}
			if assert.NoError(t, err, in) {
				assert.Equal(t, want, got, in)
			}
		}
	}
}

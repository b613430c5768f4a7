package compare

import (
	"math"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRelError(t *testing.T) {
	for _, tc := range []struct {
		name    string
		a, n    float64
		want    float64
		comment string
	}{
		{"equal", 1.5, 1.5, 0, ""},
		{"both zero", 0, 0, 0, "both zero counts as zero"},
		{"one zero", 0, 3, 1, ""},
		{"opposite", -2, 2, 2, ""},
		{"ten percent", 1.0, 1.1, 0.1 / 1.1, ""},
		{"symmetric", 1.1, 1.0, 0.1 / 1.1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.InDelta(t, tc.want, RelError(tc.a, tc.n), 1e-15)
		})
	}
}

func label(i int) derive.Param {
	if i < 4 {
		return derive.Param{Layer: 1, Name: "W", Row: i / 2, Col: i % 2}
	}
	return derive.Param{Layer: 1, Name: "b", Row: i - 4}
}

func TestGradients(t *testing.T) {
	analytic := []float64{1, 2, 3, 4, 0.5, 1e-12}
	numeric := []float64{1, 2, 3.3, 4, 0.5, 3e-12}
	r := Gradients(analytic, numeric, label, nil, &Criteria{Worst: 6})
	require.Len(t, r.Groups, 2)
	assert.InDelta(t, 0.3/3.3, r.MaxRel, 1e-15)
	assert.InDelta(t, 0.3, r.MaxAbs, 1e-15)
	assert.Equal(t, derive.Param{Layer: 1, Name: "W", Row: 1, Col: 0}, r.Worst[0].Param)
	assert.Equal(t, derive.Param{Layer: 1, Name: "b", Row: 1}, r.Worst[5].Param,
		"the tiny b entry has a larger relative error but is too small to judge, so it comes after every judged one")
	assert.Equal(t, 5, r.Judged)
	assert.Equal(t, Wrong, r.Band)
	assert.False(t, r.Pass)
	w, b := r.Layer(1)
	assert.InDelta(t, 0.3/3.3, w.MaxRel, 1e-15)
	assert.Zero(t, b.MaxRel, "entries under the floor agree")
}

func TestKinksAreNotFailures(t *testing.T) {
	analytic := []float64{1, 0, 3, 4, 0, 0}
	numeric := []float64{1, 0.5, 3, 4, 0, 0}
	r := Gradients(analytic, numeric, label, func(i int) bool { return i == 1 }, nil)
	assert.True(t, r.Pass)
	assert.Equal(t, 1, r.Kinks)
	assert.True(t, r.Entries()[1].Kink)
}

func TestNaNFails(t *testing.T) {
	r := Gradients([]float64{math.NaN(), 0, 0, 0, 0, 0}, make([]float64, 6), label, nil, nil)
	assert.False(t, r.Pass)
	assert.Equal(t, Wrong, r.Band)
}

func TestBandOf(t *testing.T) {
	assert.Equal(t, Good, BandOf(1e-9, 1e-7))
	assert.Equal(t, Good, BandOf(1e-7, 1e-7), "the tolerance itself passes")
	assert.Equal(t, KinksOnly, BandOf(1e-6, 1e-7))
	assert.Equal(t, KinksOnly, BandOf(1e-9, 1e-12), "the band starts at the method's own tolerance")
	assert.Equal(t, Uncomfortable, BandOf(1e-3, 1e-7))
	assert.Equal(t, Wrong, BandOf(0.5, 1e-7))
	assert.Equal(t, "cannot-tell", NoneJudged.String())
	assert.Equal(t, "band(9)", Band(9).String(), "String never panics")
}

// TestHeadlineIsNeverAnUnearnedZero: entries too small for finite
// differences to resolve are not judged, but an entry large enough is,
// even when its error is under the floor, so the headline is its real
// relative error and not 0.
func TestHeadlineIsNeverAnUnearnedZero(t *testing.T) {
	// Floor 1e-9, Tol 1e-7: entries of at least 1e-2 are judged.
	analytic := []float64{0.5, 0.02, 3e-3, 1e-12, 0, 0}
	numeric := []float64{0.5 + 1e-10, 0.02, 3e-3 + 5e-10, 0, 0, 0}
	r := Gradients(analytic, numeric, label, nil, nil)
	assert.InEpsilon(t, 1e-10/(0.5+1e-10), r.MaxRel, 1e-5, "the 0.5 entry is judged, its error under the floor")
	assert.Equal(t, 4, r.Judged, "0.5, 0.02 and the two exact zeros")
	assert.Equal(t, 2, r.NotJudged, "3e-3 and 1e-12 are too small to judge and agree within the floor")
	assert.True(t, r.Pass)

	none := Gradients([]float64{1e-12, 2e-12, 0, 0, 0, 3e-12}, []float64{0, 0, 1e-12, 1e-12, 1e-12, 0}, label, nil, nil)
	assert.Zero(t, none.Judged)
	assert.Equal(t, NoneJudged, none.Band, "nothing resolved is not a pass")
	assert.False(t, none.Pass)
}

func TestWorstIsBounded(t *testing.T) {
	r := Gradients([]float64{1, 2}, []float64{1, 2.5}, func(i int) derive.Param { return derive.Param{Layer: 1, Name: "b", Row: i} },
		nil, &Criteria{Worst: 1 << 40})
	assert.Len(t, r.Worst, 2, "a huge Worst allocates no more than the entries")
}

// TestWorstKeepsTheTopK: the top-k selection agrees with sorting all
// entries by relative error (all above the floor here).
func TestWorstKeepsTheTopK(t *testing.T) {
	n := 200
	analytic, numeric := make([]float64, n), make([]float64, n)
	for i := range analytic {
		analytic[i] = 1
		numeric[i] = 1 + float64((i*37)%n)/1000 // distinct errors, scrambled order
	}
	r := Gradients(analytic, numeric, func(i int) derive.Param { return derive.Param{Layer: 1, Name: "W", Row: i} }, nil, &Criteria{Worst: 4})
	require.Len(t, r.Worst, 4)
	for k, e := range r.Worst {
		want := float64(n-1-k) / 1000
		assert.InDelta(t, want/(1+want), e.RelErr, 1e-12)
	}
}

// Entries are built when asked for, from the gradients the comparison
// keeps: each is the two values, |a − n| and |a − n|/max(|a|, |n|)
// written out here, and the kink only where the stencil crossed one and
// the error is above the floor. Forget drops them and keeps the summary.
func TestEntriesOnDemand(t *testing.T) {
	analytic := []float64{1, -2, 3e-3, 0, 5}
	numeric := []float64{1, -2.5, 3.1e-3, 0, 4}
	label := func(i int) derive.Param { return derive.Param{Layer: 1, Name: "W", Row: i} }
	kinks := []bool{true, true, false, false, false}
	r := Gradients(analytic, numeric, label, func(i int) bool { return kinks[i] }, &Criteria{Floor: 1e-10, Tol: 1e-7, Worst: 2})
	require.Equal(t, 5, r.Len())
	entries := r.Entries()
	require.Len(t, entries, 5)
	for i, e := range entries {
		d := math.Abs(analytic[i] - numeric[i])
		rel := 0.0
		if d > 0 {
			rel = d / math.Max(math.Abs(analytic[i]), math.Abs(numeric[i]))
		}
		assert.Equal(t, Entry{Param: label(i), Analytic: analytic[i], Numeric: numeric[i], AbsErr: d, RelErr: rel, Kink: kinks[i] && d > 1e-10}, e)
	}
	assert.Equal(t, []Entry{entries[4], entries[2]}, r.Worst, "entry 1 is a kink and does not decide: 0.2 then 0.032")
	assert.Equal(t, 1, r.Kinks)
	summary := *r
	r.Forget()
	assert.Nil(t, r.Entries())
	assert.Equal(t, 5, r.Len(), "the count stays")
	assert.Equal(t, summary.Worst, r.Worst)
	assert.Equal(t, summary.MaxRel, r.MaxRel)
}

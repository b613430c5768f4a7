package compare

import (
	"math"
	"sort"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/numgrad"
)

// RelError is the one relative error used everywhere in backproof, the
// symmetric form of CS231n's gradient-checking notes:
//
//	rel(a, n) = |a − n| / max(|a|, |n|),   rel(0, 0) = 0
//
// It is 0 for equal numbers, 1 when one of them is 0 and the other is
// not, and 2 when they have opposite signs and equal size.
func RelError(a, n float64) float64 {
	d := math.Abs(a - n)
	if d == 0 {
		return 0
	}
	return d / math.Max(math.Abs(a), math.Abs(n))
}

// Criteria are what a comparison judges by, and how many of its worst
// entries it keeps. Nil or zero fields take the defaults.
type Criteria struct {
	// Floor is the absolute error under which two entries agree whatever
	// their relative error: the size of finite-difference rounding noise.
	// Zero means 1e-9.
	Floor float64
	// Tol is the largest relative error of an agreeing entry above the
	// floor that still passes. Zero means numgrad.Central.Tol(), 1e-7,
	// CS231n's "good" for central differences in float64.
	Tol float64
	// Worst is how many of the worst entries to keep. Zero means 5.
	Worst int
}

func (s *Criteria) withDefaults() Criteria {
	var out Criteria
	if s != nil {
		out = *s
	}
	if out.Floor == 0 {
		out.Floor = 1e-9
	}
	if out.Tol == 0 {
		out.Tol = numgrad.Central.Tol()
	}
	if out.Worst == 0 {
		out.Worst = 5
	}
	return out
}

// Counts reports whether the entry takes part in the verdict of a
// comparison by the criteria s (see Result.Judged).
func (e Entry) Judged(s Criteria) bool { return e.counts(s) }

// Entry is one parameter's two derivatives and how far apart they are.
type Entry struct {
	Param    derive.Param
	Analytic float64
	Numeric  float64
	AbsErr   float64 // |a − n|
	RelErr   float64 // RelError(a, n)
	// Kink is set when the finite-difference stencil straddles a kink of
	// relu or leaky-relu: some pre-activation changes sign between the
	// evaluations, so the numeric value is an average of two one-sided
	// slopes and no verdict is drawn from it.
	Kink bool
}

// counts reports whether finite differences can resolve the entry, so
// that its relative error takes part in the maxima that decide the
// verdict. A kink never counts. Otherwise the entry counts when its error
// is above the noise floor (noise cannot explain it), when its size is at
// least Floor/Tol (noise alone keeps its relative error within Tol, so the
// relative error means something), or when the two values are equal.
// What is left are entries smaller than Floor/Tol that agree within the
// floor: finite differences cannot tell them from noise, so their
// relative error (1 for an analytic 1e-12 against a numeric 0) says
// nothing about the gradient.
func (e Entry) counts(s Criteria) bool {
	if e.Kink {
		return false
	}
	return e.AbsErr > s.Floor || e.AbsErr == 0 || math.Max(math.Abs(e.Analytic), math.Abs(e.Numeric)) >= s.Floor/s.Tol
}

// Group is one parameter matrix (W^ℓ or b^ℓ) of a comparison.
type Group struct {
	Layer  int
	Name   string // "W" or "b"
	MaxAbs float64
	MaxRel float64 // over the entries finite differences resolve (Entry.counts)
	// Judged counts the entries that take part in MaxRel; NotJudged
	// the others that are not kinks: smaller than Floor/Tol and within
	// the floor.
	Judged, NotJudged int
	Kinks             int
}

// Result is a whole comparison.
type Result struct {
	Criteria Criteria
	Groups   []Group // W¹, b¹, W², b², …
	Worst    []Entry // the entries with the largest relative error, worst first
	MaxAbs   float64
	MaxRel   float64 // over the entries finite differences resolve (Entry.counts)
	// Judged and NotJudged count the entries that take part in MaxRel
	// and the others that are not kinks, as in Group.
	Judged, NotJudged int
	Kinks             int
	Band              Band
	// Pass is Band == Good: some entry was resolved and every resolved
	// one agrees within Tol.
	Pass bool

	// How many entries, what Entries builds them from, and the entries
	// once built.
	n                 int
	analytic, numeric []float64
	param             func(i int) derive.Param
	kink              func(i int) bool
	entries           []Entry
}

// Gradients compares analytic with numeric entry by entry. param names
// entry i; kink, which may be nil, tells whether entry i's stencil crossed
// a kink. The result keeps analytic and numeric (not copies) for Entries:
// they must not change afterwards.
func Gradients(analytic, numeric []float64, param func(i int) derive.Param, kink func(i int) bool, s *Criteria) *Result {
	if len(analytic) != len(numeric) {
		panic("compare: gradients of different lengths")
	}
	set := s.withDefaults()
	r := &Result{Criteria: set, n: len(analytic), analytic: analytic, numeric: numeric, param: param, kink: kink}
	top := newTop(set, len(analytic))
	for i := range analytic {
		e := r.entry(i)
		top.add(e)
		g := r.group(e.Param)
		g.MaxAbs = math.Max(g.MaxAbs, e.AbsErr)
		r.MaxAbs = math.Max(r.MaxAbs, e.AbsErr)
		if e.Kink {
			g.Kinks++
			r.Kinks++
		}
		switch {
		case e.counts(set):
			g.MaxRel = math.Max(g.MaxRel, e.RelErr)
			r.MaxRel = math.Max(r.MaxRel, e.RelErr)
			g.Judged++
			r.Judged++
		case !e.Kink:
			g.NotJudged++
			r.NotJudged++
		}
	}
	if len(top.entries) > 0 {
		r.Worst = top.entries
	}
	r.Band = BandOf(r.MaxRel, set.Tol)
	if r.Judged == 0 {
		r.Band = NoneJudged
	}
	r.Pass = r.Band == Good
	return r
}

// entry is entry i of the comparison.
func (r *Result) entry(i int) Entry {
	a, n := r.analytic[i], r.numeric[i]
	e := Entry{Param: r.param(i), Analytic: a, Numeric: n, AbsErr: math.Abs(a - n), RelErr: RelError(a, n)}
	if math.IsNaN(a) || math.IsNaN(n) {
		e.AbsErr, e.RelErr = math.Inf(1), math.Inf(1)
	}
	e.Kink = r.kink != nil && r.kink(i) && e.AbsErr > r.Criteria.Floor
	return e
}

// Len is the number of entries compared.
func (r *Result) Len() int { return r.n }

// Entries returns every entry, in the order of derive.Net.Params, or nil
// after Forget. They are built the first time they are asked for: most
// uses read only the summary and the worst entries, and for Nielsen's
// network the 23,860 entries, 80 bytes each, written into fresh memory
// were most of the time of a check.
func (r *Result) Entries() []Entry {
	if r.entries == nil && r.analytic != nil {
		r.entries = make([]Entry, len(r.analytic))
		for i := range r.entries {
			r.entries[i] = r.entry(i)
		}
	}
	return r.entries
}

// Forget lets go of the gradients the entries are built from (Entries
// returns nil after it), keeping the summary and the worst entries: a
// comparison kept only for its verdict then holds no memory per entry.
func (r *Result) Forget() {
	r.analytic, r.numeric, r.param, r.kink, r.entries = nil, nil, nil, nil, nil
}

func (r *Result) group(p derive.Param) *Group {
	if n := len(r.Groups); n > 0 && r.Groups[n-1].Layer == p.Layer && r.Groups[n-1].Name == p.Name {
		return &r.Groups[n-1]
	}
	r.Groups = append(r.Groups, Group{Layer: p.Layer, Name: p.Name})
	return &r.Groups[len(r.Groups)-1]
}

// Layer returns the W and b groups of layer ℓ.
func (r *Result) Layer(ℓ int) (w, b Group) {
	for _, g := range r.Groups {
		if g.Layer == ℓ && g.Name == "W" {
			w = g
		}
		if g.Layer == ℓ && g.Name == "b" {
			b = g
		}
	}
	return w, b
}

// top keeps the s.Worst entries seen so far, worst first: those that
// decide the verdict (Entry.counts) by relative error, then the rest by
// absolute error, so noise never hides a real disagreement. k is small and
// the entries many (23,860 for Nielsen's network), so it keeps a sorted
// top k instead of sorting everything.
type top struct {
	s       Criteria
	k       int
	entries []Entry
}

func newTop(s Criteria, n int) *top {
	k := min(max(s.Worst, 0), n)
	return &top{s: s, k: k, entries: make([]Entry, 0, k+1)}
}

func (t *top) worse(a, b Entry) bool {
	if ca, cb := a.counts(t.s), b.counts(t.s); ca != cb {
		return ca
	} else if ca && a.RelErr != b.RelErr {
		return a.RelErr > b.RelErr
	}
	return a.AbsErr > b.AbsErr
}

func (t *top) add(e Entry) {
	if t.k == 0 || len(t.entries) == t.k && !t.worse(e, t.entries[t.k-1]) {
		return
	}
	i := sort.Search(len(t.entries), func(i int) bool { return t.worse(e, t.entries[i]) })
	t.entries = append(t.entries, Entry{})
	copy(t.entries[i+1:], t.entries[i:])
	t.entries[i] = e
	if len(t.entries) > t.k {
		t.entries = t.entries[:t.k]
	}
}

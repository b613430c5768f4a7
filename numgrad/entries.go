package numgrad

import (
	"sync"
	"sync/atomic"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/internal/printf"
	"gonum.org/v1/gonum/mat"
)

// NetEntries estimates the entries of the gradient listed in entries
// (indices in the order of derive.Net.Params) by the method and step of
// s, as NetGradient does for every entry, and writes entry entries[k] to
// dst[k]: each number is the one NetGradient gives for that entry. A
// sample of a large network's entries costs the sample's share of the
// whole gradient, or less (no unit of the last hidden layer is taken
// whole). dst is allocated when nil and returned; n, X and Y are not
// changed. s.Progress, when set, counts the listed entries. NetEntries
// panics if dst and entries differ in length, on an index out of range,
// and as NetGradient does.
func NetEntries(dst []float64, entries []int, n *derive.Net, X, Y *mat.Dense, s *Settings) []float64 {
	return NewEntries(n, X, Y).At(dst, entries, s)
}

// Entries is NetEntries for one network and batch, asked again and again
// (by several methods, at many steps): the forward pass every estimate
// starts from is made once, by NewEntries, instead of at every call. It
// reads n's weights and the batch where they are (in the row convention)
// and caches what they give: n, X and Y must not change while it is used.
// Its At may be called from several goroutines at once.
type Entries struct{ p *netPass }

// NewEntries makes the forward pass of n on the batch X, Y. It panics on
// a batch that does not fit n.
func NewEntries(n *derive.Net, X, Y *mat.Dense) *Entries { return &Entries{newNetPass(n, X, Y)} }

// At is NetEntries of the network and batch of e.
func (e *Entries) At(dst []float64, entries []int, s *Settings) []float64 {
	p := e.p
	if dst == nil {
		dst = make([]float64, len(entries))
	}
	if len(dst) != len(entries) {
		panic("numgrad: slice length mismatch")
	}
	for _, i := range entries {
		if i < 0 || i >= p.numParams {
			panic(printf.Sprintf("numgrad: entry %d of a network of %d parameters", i, p.numParams))
		}
	}
	m, h, st, workers := s.planNet()
	const chunk = 16
	tasks := int64((len(entries) + chunk - 1) / chunk)
	var next, done atomic.Int64
	var failure atomic.Value
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			defer func() { // a bug, carried to the caller as NetGradient does
				if r := recover(); r != nil {
					failure.CompareAndSwap(nil, printf.Sprint(r))
					next.Store(tasks)
				}
			}()
			sc := p.newScratch(len(st.points))
			for {
				t := next.Add(1) - 1
				if t >= tasks {
					return
				}
				lo := int(t) * chunk
				hi := min(lo+chunk, len(entries))
				for k := lo; k < hi; k++ {
					if m.Complex() {
						dst[k] = p.complexEntry(entries[k], h, sc, nil)
					} else {
						dst[k] = p.realEntry(entries[k], &st, sc, nil)
					}
				}
				if s != nil && s.Progress != nil {
					s.Progress(int(done.Add(int64(hi-lo))), len(entries))
				}
			}
		})
	}
	wg.Wait()
	if f := failure.Load(); f != nil {
		panic(printf.Sprintf("numgrad: NetEntries: %v", f.(string)))
	}
	return dst
}

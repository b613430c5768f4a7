package plots

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/backproof/backproof/train"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// series is one line of a figure, its finite points only.
type series struct {
	name   string
	xy     plotter.XYs
	color  color.Color
	dashes []vg.Length
	thin   bool      // a reference drawn under the others
	width  vg.Length // the line's width; 0 means the usual
}

// chart is one panel being built: the plot, and every line on it in the
// fractions of the axes, so that finish can put the legend where the lines
// are not.
type chart struct {
	pl      *plot.Plot
	height  vg.Length // the panel's height
	width   vg.Length // the panel's width; 0 means figureWidth
	lines   []plotter.XYs
	data    bool // whether a series with points was added (not only references)
	longest int  // the longest legend entry, in characters
	drawn   []drawnSeries
	ends    []endMark
	names   []string // the legend's entries, in order
	side    bool     // the legend is drawn beside the panel (SideLegend): finish leaves it alone
}

// drawnSeries is a series on the chart with the plotters that draw it, so
// that a later series lying on it can widen it.
type drawnSeries struct {
	series
	line *plotter.Line
	dots *plotter.Scatter
}

// endMark is where a curve ends in NaN or ±Inf (a diverged run): drawn as
// a cross at the top of the panel.
type endMark struct {
	x     float64
	color color.Color
}

func newChart(title string, height vg.Length) *chart {
	pl := plot.New()
	pl.Title.Text = title
	pl.Add(plotter.NewGrid())
	pl.Legend.ThumbnailWidth = vg.Points(24)
	return &chart{pl: pl, height: height}
}

// newEpochChart is a panel with epochs along x, from 0 to the last, with
// a little room either side so that no point sits on the frame.
func newEpochChart(h *train.History, title string) *chart {
	c := newChart(title, panelHeight)
	last := 1.0
	for i := range h.Epochs {
		if x := epochX(h, &h.Epochs[i]); isFinite(x) {
			last = math.Max(last, x)
		}
	}
	c.pl.X.Min, c.pl.X.Max = -last/40, last*41/40
	c.pl.X.Label.Text = "epoch (0: before training)"
	c.pl.X.Tick.Marker = epochTicks{}
	if d := h.Divergence; d != nil {
		x := float64(d.Epoch)
		if h.StepsPerEpoch > 0 {
			x = float64(d.Epoch-1) + float64(d.Step)/float64(h.StepsPerEpoch)
		}
		c.pl.X.Max = math.Max(c.pl.X.Max, x*41/40)
		c.end(x, red)
	}
	return c
}

// Line widths: a series is drawn at baseWidth; one that a later series
// lies on is widened so that it shows on both sides of it.
const (
	baseWidth = 1.5
	widenBy   = 2.5
)

// add draws s as a line with a dot at each point, and names it in the
// legend; a series without points is left out, legend and all. A series
// that lies on earlier ones (within 1% of the y range at every point) is
// named "(≈ earlier)" in the legend and the earlier ones are widened
// beneath it, so that no legend entry names a line that cannot be seen.
func (c *chart) add(s series) error {
	if len(s.xy) == 0 {
		return nil
	}
	line, dots, err := plotter.NewLinePoints(s.xy)
	if err != nil {
		return err
	}
	line.Color, line.Dashes, line.Width = s.color, s.dashes, vg.Points(baseWidth)
	dots.Color, dots.Shape, dots.Radius = s.color, draw.CircleGlyph{}, vg.Points(2)
	if s.thin {
		line.Width, dots.Radius = vg.Points(1), vg.Points(1.2)
	}
	if s.width > 0 {
		line.Width = s.width
	}
	name := s.name
	var under []string
	width := line.Width
	for i := len(c.drawn) - 1; i >= 0; i-- {
		d := &c.drawn[i]
		if !coincide(d.xy, s.xy, 0.01*(c.pl.Y.Max-c.pl.Y.Min)) {
			continue
		}
		width += vg.Points(widenBy)
		d.line.Width = max(d.line.Width, width)
		d.dots.Radius = max(d.dots.Radius, width/2+vg.Points(0.5))
		under = append([]string{d.name}, under...)
	}
	if len(under) > 0 {
		name += " (≈ " + strings.Join(under, ", ") + ")"
	}
	c.pl.Add(line, dots)
	c.legend(name, line, s.xy)
	c.drawn = append(c.drawn, drawnSeries{series: s, line: line, dots: dots})
	c.data = true
	return nil
}

// coincide says whether b lies on a: the same xs, and ys within tol.
func coincide(a, b plotter.XYs, tol float64) bool {
	if len(a) != len(b) || !(tol > 0) {
		return false
	}
	for i := range a {
		if math.Abs(a[i].X-b[i].X) > 1e-9 || math.Abs(a[i].Y-b[i].Y) > tol {
			return false
		}
	}
	return true
}

// end marks a curve that ends in NaN or ±Inf at x (see endMark).
func (c *chart) end(x float64, col color.Color) {
	c.ends = append(c.ends, endMark{x: x, color: col})
}

// hline draws a reference line across the panel at y; X.Min and X.Max
// must be set.
func (c *chart) hline(y float64, name string, col color.Color, dashes []vg.Length) error {
	xy := plotter.XYs{{X: c.pl.X.Min, Y: y}, {X: c.pl.X.Max, Y: y}}
	line, err := plotter.NewLine(xy)
	if err != nil {
		return err
	}
	line.Color, line.Dashes, line.Width = col, dashes, vg.Points(1)
	c.pl.Add(line)
	c.legend(name, line, xy)
	return nil
}

// chance draws the accuracy of a constant guess, one class in n, in percent.
func (c *chart) chance(h *train.History) error {
	if len(h.Config.Net) < 2 {
		return nil
	}
	if n := h.Config.Net[len(h.Config.Net)-1]; n > 1 {
		return c.hline(100/float64(n), fmt.Sprintf("chance, 1 in %d", n), grey, dashed)
	}
	return nil
}

func (c *chart) legend(name string, thumb plot.Thumbnailer, xy plotter.XYs) {
	c.pl.Legend.Add(name, thumb)
	c.names = append(c.names, name)
	c.lines = append(c.lines, xy)
	c.longest = max(c.longest, utf8.RuneCountInString(name))
}

// finish writes note across a panel without data, puts the legend in the
// corner its lines cross least, and returns the panel.
func (c *chart) finish(note string) ([]*plot.Plot, error) {
	x, y := &c.pl.X, &c.pl.Y
	if !c.data {
		mid := func(a *plot.Axis) float64 {
			if isFinite(a.Min) && isFinite(a.Max) && a.Min <= a.Max {
				return (a.Min + a.Max) / 2
			}
			return 0.5
		}
		labels, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: mid(x), Y: mid(y)}}, Labels: []string{note}})
		if err != nil {
			return nil, err
		}
		labels.TextStyle[0].XAlign, labels.TextStyle[0].YAlign = draw.XCenter, draw.YCenter
		c.pl.Add(labels)
	}
	if !c.side {
		c.placeLegend()
	}
	if len(c.ends) > 0 {
		// Crosses in the room above the data, and one legend entry.
		y0 := c.pl.Y.Max
		c.pl.Y.Max += (c.pl.Y.Max - c.pl.Y.Min) * 0.06
		for _, e := range c.ends {
			sc, err := plotter.NewScatter(plotter.XYs{{X: e.x, Y: y0 + (c.pl.Y.Max-y0)/2}})
			if err != nil {
				return nil, err
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: e.color, Shape: draw.CrossGlyph{}, Radius: vg.Points(5)}
			c.pl.Add(sc)
		}
		c.pl.Legend.Add("NaN or ±Inf (diverged)", glyphLegend{draw.GlyphStyle{Color: red, Shape: draw.CrossGlyph{}, Radius: vg.Points(5)}})
	}
	return []*plot.Plot{c.pl}, nil
}

// placeLegend puts the legend where the fewest points of the panel's
// lines fall (sampled along each segment): in a corner or halfway up a
// side, preferring the top right, the top left, the middle right, the
// middle left, the bottom right and the bottom left. Where every place is
// crossed, the y axis grows upward to make room at the top right. The
// legend's size is estimated from its entries.
func (c *chart) placeLegend() {
	x, y := &c.pl.X, &c.pl.Y
	if !(x.Min < x.Max) || !(y.Min < y.Max) || len(c.lines) == 0 {
		return
	}
	// The data area is about the figure less 70 points for the y axis, and
	// the panel less 90 for the title and the x axis; an entry is about
	// 13 points high and 6 wide a character.
	dataH := c.height.Points() - 90
	legW, legH := 24+6*float64(c.longest)+16, 13*float64(len(c.lines)+min(len(c.ends), 1))+10
	fw := figureWidth
	if c.width > 0 {
		fw = c.width
	}
	w, h := legW/(fw.Points()-70), legH/dataH
	places := []struct {
		top, left, middle bool
	}{{true, false, false}, {true, true, false}, {true, false, true}, {true, true, true}, {false, false, false}, {false, true, false}}
	best, bestCount := 0, math.MaxInt
	for k, p := range places {
		x0, y0 := 1-w, 1-h
		if p.left {
			x0 = 0
		}
		switch {
		case p.middle:
			y0 = 0.5 - h/2
		case !p.top:
			y0 = 0
		}
		count := 0
		for _, xy := range c.lines {
			for i := range xy {
				n := 1
				if i > 0 {
					n = 40
				}
				for j := range n {
					f := float64(j+1) / float64(n)
					px, py := xy[i].X, xy[i].Y
					if i > 0 {
						px, py = xy[i-1].X+f*(xy[i].X-xy[i-1].X), xy[i-1].Y+f*(xy[i].Y-xy[i-1].Y)
					}
					u, v := (px-x.Min)/(x.Max-x.Min), (py-y.Min)/(y.Max-y.Min)
					if u >= x0 && u <= x0+w && v >= y0 && v <= y0+h {
						count++
					}
				}
			}
		}
		if count < bestCount {
			best, bestCount = k, count
		}
	}
	p := places[best]
	if bestCount > 0 {
		p = places[0]
		y.Max = y.Min + (y.Max-y.Min)/(1-h)
	}
	l := &c.pl.Legend
	l.Top, l.Left = p.top, p.left
	l.XOffs, l.YOffs = -vg.Points(8), -vg.Points(6)
	if l.Left {
		l.XOffs = vg.Points(8)
	}
	switch {
	case p.middle:
		l.YOffs = -vg.Points((dataH - legH) / 2)
	case !l.Top:
		l.YOffs = vg.Points(6)
	}
}

// valueAxis maps values to where a figure draws them: log10 of them on a
// log axis (an exact 0 at the bottom, if asked), as they are on a linear
// one, whose range starts at 0 so that a flat stretch looks flat.
type valueAxis struct {
	log      bool
	min, max float64 // the axis's range where the values are drawn
	hasZero  bool    // a log axis with a place for exact zeros, at zero
	zero     float64 // where exact zeros are drawn: a decade below the data
}

// newValueAxis fits an axis to the finite values of vals, with log10 of
// them if log (the positive ones, and 0 when zeros).
func newValueAxis(vals []float64, log, zeros bool) valueAxis {
	if !log {
		lo, hi := 0.0, 0.0
		for _, v := range vals {
			if isFinite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		if hi == lo {
			hi = lo + 1
		}
		// Room at both ends, so that a flat series is not drawn on the frame.
		return valueAxis{min: lo - (hi-lo)/25, max: hi + (hi-lo)/20}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	zero := false
	for _, v := range vals {
		switch {
		case v > 0 && isFinite(v):
			lo, hi = math.Min(lo, math.Log10(v)), math.Max(hi, math.Log10(v))
		case v == 0:
			zero = true
		}
	}
	if lo > hi {
		lo, hi = -1, 0
	}
	// Whole decades where the data leave room inside them; else a
	// twentieth of the span beyond the data, so that no point, flat series
	// or last point of a diverged run, is drawn on the frame.
	pad := math.Max(hi-lo, 1) / 20
	a := valueAxis{log: true, min: math.Floor(lo), max: math.Ceil(hi)}
	if lo-a.min < pad/2 {
		a.min = lo - pad
	}
	if a.max-hi < pad/2 {
		a.max = hi + pad
	}
	if zeros && zero {
		a.hasZero, a.zero = true, math.Floor(lo)-1
		a.min = a.zero - pad
	}
	return a
}

// at is where v is drawn; NaN (left out) where it cannot be.
func (a valueAxis) at(v float64) float64 {
	switch {
	case !a.log:
		return v
	case v == 0 && a.hasZero:
		return a.zero
	case v > 0:
		return math.Log10(v)
	}
	return math.NaN()
}

func (a valueAxis) apply(ax *plot.Axis) {
	ax.Min, ax.Max = a.min, a.max
	if a.log {
		ax.Tick.Marker = logTicks{hasZero: a.hasZero, zero: a.zero}
	}
}

func (a valueAxis) labelSuffix() string {
	if a.log {
		return " (log10 scale)"
	}
	return ""
}

// logTicks marks an axis drawn in log10 of its values: a tick at every
// power of ten, labelled with the value (every 2nd, 5th, 10th, … when
// there would be more than eight), with small ticks at 2…9 times each power when the axis spans
// up to six decades, labelled at 2 and 5 up to two decades. The labels are
// decimals (0.001 to 9000) when every one can be, else powers (1e-13). With
// hasZero the tick at zero is labelled 0: exact zeros are drawn there.
type logTicks struct {
	hasZero bool
	zero    float64
}

func (t logTicks) Ticks(lo, hi float64) []plot.Tick {
	span := hi - lo
	every := 1
	for k := 0; span/float64(every) > 8; k++ {
		every = []int{2, 5, 10}[k%3] * int(math.Pow10(k/3)) // 2, 5, 10, 20, 50, 100, …
	}
	sci := lo < -3.5 || hi >= 4
	var ticks []plot.Tick
	for e := math.Ceil(lo) - 1; e <= math.Floor(hi); e++ {
		isZero := t.hasZero && e == t.zero
		if e >= lo {
			tick := plot.Tick{Value: e}
			switch {
			case isZero:
				tick.Label = "0"
			case int(e)%every == 0:
				tick.Label = powerLabel(1, int(e), sci)
			}
			// Over many decades an unlabelled tick at each would draw a
			// comb: only the labelled ones are kept.
			if tick.Label != "" || span <= 8 {
				ticks = append(ticks, tick)
			}
		}
		if span > 6 || isZero || (t.hasZero && e < t.zero) {
			continue
		}
		for k := 2; k <= 9; k++ {
			v := e + math.Log10(float64(k))
			if v < lo || v > hi {
				continue
			}
			tick := plot.Tick{Value: v}
			if span <= 2 && (k == 2 || k == 5) {
				tick.Label = powerLabel(k, int(e), sci)
			}
			ticks = append(ticks, tick)
		}
	}
	return ticks
}

// powerLabel writes k·10^e: as a decimal, or with sci as 2e-13 (but 1
// as 1).
func powerLabel(k, e int, sci bool) string {
	if !sci || (k == 1 && e == 0) {
		return strconv.FormatFloat(float64(k)*math.Pow10(e), 'f', max(0, -e), 64)
	}
	return fmt.Sprintf("%de%d", k, e)
}

// epochTicks marks whole epochs, every 1, 2, 5, 10, 20, … so that there
// are at most ten.
type epochTicks struct{}

func (epochTicks) Ticks(lo, hi float64) []plot.Tick {
	step := 1.0
	for k := 0; (hi-lo)/step > 10; k++ {
		step *= []float64{2, 2.5, 2}[k%3]
	}
	var ticks []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(math.Abs(v)*sign(v), 'f', -1, 64)})
	}
	return ticks
}

// percentMin and percentMax are the range of a percentage axis: a little
// beyond 0 and 100, so that a series at 0% or 100% is not drawn on the frame.
const percentMin, percentMax = -3.0, 103.0

// percentTicks marks a percentage from 0 to 100: labels every 20, ticks
// every 10, and nothing above 100 (where a legend may have made room).
type percentTicks struct{}

func (percentTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for v := 0; v <= 100; v += 10 {
		if float64(v) < lo || float64(v) > hi {
			continue
		}
		t := plot.Tick{Value: float64(v)}
		if v%20 == 0 {
			t.Label = strconv.Itoa(v)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// sign is −1 for negative v, else 1 (so that −0 becomes 0).
func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

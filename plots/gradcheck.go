package plots

import (
	"fmt"
	"math"
	"strings"

	"github.com/backproof/backproof/experiments"
	"github.com/backproof/backproof/numgrad"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// errLow and errHigh are the ends of the heat map's colour scale, log10.
const errLow, errHigh = -12.0, 0.0

// Gradcheck draws the heat maps of g (experiments.RunGradcheck): one row
// per planted gradient, one column per layer, and a colour bar, as PNG
// bytes.
func Gradcheck(g *experiments.Gradcheck) ([]byte, error) {
	// Reversed: pale where an entry agrees, black where it is wrong in
	// the first digit, so that a wrong entry is the most visible thing on
	// a white page.
	cm := errorColors()
	cm.SetMin(errLow)
	cm.SetMax(errHigh)
	pal := cm.Palette(256)
	var rows [][]*plot.Plot
	for i, row := range g.Rows {
		var r []*plot.Plot
		for ℓ, re := range row.RelError {
			nr, nc := re.Dims()
			z := make([][]float64, nr)
			for a := range nr {
				z[a] = make([]float64, nc)
				for b := range nc {
					// Clamped at both ends: a heat map leaves a value
					// beyond its range undrawn, and an error above 1 is
					// the worst there is.
					z[a][b] = math.Min(clampLog10(re.At(a, b), errLow), errHigh)
					if noise(row, ℓ, a, b) {
						z[a][b] = math.NaN() // drawn grey
					}
				}
			}
			pl := plot.New()
			hm := plotter.NewHeatMap(heatGrid{z: z}, pal)
			hm.Min, hm.Max = errLow, errHigh
			hm.NaN = grey
			pl.Add(hm)
			pl.Title.Text = fmt.Sprintf("%s — ∂C/∂W%s (%d×%d)\nmax rel. error %s; %s", row.Name, sup(ℓ+1), nr, nc, num(judgedMax(row, ℓ)), gradcheckStatus(row, ℓ))
			pl.Title.TextStyle.Font.Size = vg.Points(9)
			pl.X.Label.Text = fmt.Sprintf("column j of W%s", sup(ℓ+1))
			pl.Y.Label.Text = "row i"
			pl.X.Tick.Marker, pl.Y.Tick.Marker = indexTicks{n: nc}, indexTicks{n: nr, down: true}
			pl.X.Min, pl.X.Max = -0.5, float64(nc)-0.5
			pl.Y.Min, pl.Y.Max = -float64(nr)+0.5, 0.5
			if i < len(g.Rows)-1 {
				pl.X.Label.Text = ""
			}
			r = append(r, pl)
		}
		rows = append(rows, r)
	}
	bar := colorBar(errorColors(), errLow, errHigh, fmt.Sprintf("relative error (log10): pale agrees to 1e-12, black is wrong in the first digit;\nan entry agrees up to the tolerance %s; grey: within the noise floor, |a − n| ≤ %s", num(agreeTol), num(g.Rows[0].Floor)), decadesTicks{})

	// 3.75 inches a layer, so that a panel's title fits it.
	width := max(7.5, 3.75*float64(len(g.Rows[0].RelError)))
	return titledGrid("Relative error of each entry of ∂C/∂W against central differences\n"+experiments.Describe(g.Problem),
		rows, bar, vg.Length(width)*vg.Inch, 11*vg.Inch)
}

// errorColors is the heat map's colour map: ExtendedBlackBody reversed,
// pale for small errors and black for large ones.
func errorColors() palette.ColorMap { return palette.Reverse(moreland.ExtendedBlackBody()) }

// noise says whether entry (a, b) of layer ℓ agrees within the noise floor
// although its relative error is large (an entry near 0): its relative
// error says nothing, and it is drawn grey and left out of judgedMax.
func noise(row experiments.GradcheckRow, ℓ, a, b int) bool {
	return ℓ < len(row.AbsError) && row.AbsError[ℓ].At(a, b) <= row.Floor && row.RelError[ℓ].At(a, b) > agreeTol
}

// agreeTol is the relative error below which an entry agrees: backproof's
// default tolerance, CS231n's "good".
var agreeTol = numgrad.Central.Tol()

// judgedMax is the largest relative error of layer ℓ's entries outside the
// noise floor; −Inf when every entry is within it.
func judgedMax(row experiments.GradcheckRow, ℓ int) float64 {
	re := row.RelError[ℓ]
	nr, nc := re.Dims()
	m := math.Inf(-1)
	for a := range nr {
		for b := range nc {
			if !noise(row, ℓ, a, b) {
				m = math.Max(m, re.At(a, b))
			}
		}
	}
	return m
}

// gradcheckStatus is what a planted gradient's layer is, as its panel's
// title and the caption both say it: agrees, inherits a mistake of the
// layer above, the mistakes backproof's catalogue names, or wrong with no
// classic mistake reproducing it.
func gradcheckStatus(row experiments.GradcheckRow, ℓ int) string {
	switch {
	case judgedMax(row, ℓ) <= agreeTol:
		return "agrees"
	case ℓ < len(row.Inherits) && row.Inherits[ℓ] > 0:
		return fmt.Sprintf("inherits layer %d's mistake", row.Inherits[ℓ])
	case len(row.Diagnosed[ℓ]) > 0:
		return "diagnosed: " + strings.Join(row.Diagnosed[ℓ], ", ")
	}
	return "wrong, no classic mistake reproduces it"
}

// titledGrid stacks a title, rows of panels and a colour bar, as the heat
// map figures do.
func titledGrid(text string, rows [][]*plot.Plot, bar *plot.Plot, w, h vg.Length) ([]byte, error) {
	title := plot.New()
	title.HideAxes()
	title.Title.Text = text
	heights := []float64{0.5}
	all := [][]*plot.Plot{{title}}
	for _, r := range rows {
		all = append(all, r)
		heights = append(heights, 2.2)
	}
	all = append(all, []*plot.Plot{bar})
	heights = append(heights, 0.7)
	return Grid(all, w, h, heights)
}

// indexTicks labels matrix indices 0…n−1 (counting down the y axis, as
// rows are drawn from the top).
type indexTicks struct {
	n    int
	down bool
}

func (t indexTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for i := range t.n {
		v := float64(i)
		if t.down {
			v = -v
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: fmt.Sprint(i + 1)})
	}
	return ticks
}

// decadesTicks labels every whole number of a log10 axis as the power it
// stands for.
type decadesTicks struct{}

func (decadesTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for e := math.Ceil(lo); e <= hi; e++ {
		t := plot.Tick{Value: e, Label: powerLabel(1, int(e), true)}
		if e == lo || e == hi {
			t.Label = "" // at the very ends a label would be cut off
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// sup writes n as superscript digits: W² for layer 2.
func sup(n int) string {
	digits := []rune("⁰¹²³⁴⁵⁶⁷⁸⁹")
	var b strings.Builder
	for _, c := range fmt.Sprint(n) {
		b.WriteRune(digits[c-'0'])
	}
	return b.String()
}

package plots

import (
	"fmt"
	"math"
	"strings"

	"github.com/backproof/backproof/experiments"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// GradcheckCaption is the caption of the Gradcheck figure.
const GradcheckCaption = `Each entry of ∂C/∂W for both layers, coloured by its relative error ` +
	`|analytic − numeric| / max(|analytic|, |numeric|) against central differences (log10 scale; below 1e-12 drawn as 1e-12). ` +
	`Top row: the correct backpropagation, dark everywhere (errors near 1e-10, finite-difference noise); an entry near 0 ` +
	`whose absolute error is within the noise floor (1e-9) is grey: its relative error says nothing. ` +
	`"missing 1/m": a uniform colour, every entry off by the same (m−1)/m = 0.9 — the mean cost's gradient summed instead of averaged, the thread's question of where 1/m goes. ` +
	`"transposed": dark on the diagonal and bright off it — δᵀA in place of Aᵀδ, which fits W's shape only for a square layer and is then hard to spot by shape. ` +
	`"f′ of A": every entry a little off, by different amounts — σ′ evaluated at a = σ(z) instead of z; in layer 1 it compounds with the wrong δ² passed back. ` +
	`Each panel's title gives what backproof's diagnosis catalogue names for it.`

// errLow and errHigh are the ends of the heat map's colour scale, log10.
const errLow, errHigh = -12.0, 0.0

// Gradcheck draws the heat maps of g (experiments.RunGradcheck): one row
// per planted gradient, one column per layer, and a colour bar, as PNG
// bytes.
func Gradcheck(g *experiments.Gradcheck) ([]byte, error) {
	cm := moreland.ExtendedBlackBody()
	cm.SetMin(errLow)
	cm.SetMax(errHigh)
	pal := cm.Palette(256)
	var rows [][]*plot.Plot
	for i, row := range g.Rows {
		var r []*plot.Plot
		for ℓ, re := range row.RelError {
			nr, nc := re.Dims()
			z := make([][]float64, nr)
			judged := math.Inf(-1)
			for a := range nr {
				z[a] = make([]float64, nc)
				for b := range nc {
					z[a][b] = clampLog10(re.At(a, b), errLow)
					// Within the noise floor: agrees, whatever the
					// relative error; drawn grey (NaN).
					if ℓ < len(row.AbsError) && row.AbsError[ℓ].At(a, b) <= row.Floor && re.At(a, b) > 1e-7 {
						z[a][b] = math.NaN()
						continue
					}
					judged = math.Max(judged, re.At(a, b))
				}
			}
			pl := plot.New()
			hm := plotter.NewHeatMap(heatGrid{z: z}, pal)
			hm.Min, hm.Max = errLow, errHigh
			hm.NaN = grey
			pl.Add(hm)
			diag := "no mistake found"
			if len(row.Diagnosed[ℓ]) > 0 {
				diag = "diagnosed: " + strings.Join(row.Diagnosed[ℓ], ", ")
			}
			pl.Title.Text = fmt.Sprintf("%s — ∂C/∂W%s (%d×%d)\nmax rel. error %.2g; %s", row.Name, sup(ℓ+1), nr, nc, judged, diag)
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
	bar := colorBar(moreland.ExtendedBlackBody(), errLow, errHigh, "relative error, log10 scale; black: agrees to 1e-12, white: wrong in the first digit, grey: within noise (|a − n| ≤ 1e-9)", decadesTicks{})
	return titledGrid("Relative error of each entry of ∂C/∂W against central differences\n"+experiments.Describe(g.Problem),
		rows, bar, 7.5*vg.Inch, 11*vg.Inch)
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

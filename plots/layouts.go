package plots

import (
	"fmt"
	"math"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/experiments"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// LayoutGradients draws g (experiments.RunLayoutGradients) as heat maps:
// one row of panels per layer, one column per convention, and a colour
// bar, as PNG bytes.
func LayoutGradients(g *experiments.LayoutGradients) ([]byte, error) {
	cm := moreland.SmoothBlueRed()
	cm.SetMin(-1)
	cm.SetMax(1)
	pal := cm.Palette(255)
	var rows [][]*plot.Plot
	layers := len(g.DW[0])
	for ℓ := 1; ℓ <= layers; ℓ++ {
		scale := 0.0
		for c := range g.Conventions {
			for _, v := range g.DW[c][ℓ-1].RawMatrix().Data {
				scale = math.Max(scale, math.Abs(v))
			}
		}
		if scale == 0 {
			scale = 1
		}
		var r []*plot.Plot
		for c, conv := range g.Conventions {
			dw := g.DW[c][ℓ-1]
			nr, nc := dw.Dims()
			z := make([][]float64, nr)
			for i := range nr {
				z[i] = make([]float64, nc)
				for j := range nc {
					z[i][j] = dw.At(i, j) / scale
				}
			}
			pl := plot.New()
			hm := plotter.NewHeatMap(heatGrid{z: z}, pal)
			hm.Min, hm.Max = -1, 1
			pl.Add(hm)
			pl.Title.Text = fmt.Sprintf("%s: ∂C/∂W%s = %s (%d×%d)", conv, sup(ℓ), layoutFormula(conv, ℓ), nr, nc)
			pl.Title.TextStyle.Font.Size = vg.Points(9)
			pl.X.Label.Text = "column"
			if c == 0 {
				pl.Y.Label.Text = "row"
			}
			pl.X.Tick.Marker, pl.Y.Tick.Marker = indexTicks{n: nc}, indexTicks{n: nr, down: true}
			pl.X.Min, pl.X.Max = -0.5, float64(nc)-0.5
			pl.Y.Min, pl.Y.Max = -float64(nr)+0.5, 0.5
			r = append(r, pl)
		}
		rows = append(rows, r)
	}
	bar := colorBar(moreland.SmoothBlueRed(), -1, 1, "entry of ∂C/∂W ÷ the largest |entry| of its layer", nil)
	return titledGrid("The same gradient in the three layouts\n"+experiments.Describe(g.Problem),
		rows, bar, 9*vg.Inch, vg.Length(1.2+2.4*float64(layers))*vg.Inch)
}

// layoutFormula is the weight-gradient formula of convention c for layer ℓ.
// A⁰ is written X (x for one example): the figures' font has no ⁰.
func layoutFormula(c derive.Convention, ℓ int) string {
	A, a := fmt.Sprintf("(A%s)ᵀ", sup(ℓ-1)), fmt.Sprintf("(a%s)ᵀ", sup(ℓ-1))
	if ℓ == 1 {
		A, a = "Xᵀ", "xᵀ"
	}
	switch c {
	case derive.Row:
		return fmt.Sprintf("%s δ%s", A, sup(ℓ))
	case derive.PerExample:
		return fmt.Sprintf("Σₓ δ%s %s", sup(ℓ), a)
	default:
		return fmt.Sprintf("δ%s %s", sup(ℓ), A)
	}
}

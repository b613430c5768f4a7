package plots

import (
	"fmt"
	"math"

	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/experiments"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// diffFloor is where a difference of exactly 0 is drawn, log10.
const diffFloor = -18.0

// Conventions draws l (experiments.RunLayouts) as PNG bytes: grouped bars
// of the largest |difference| between each pair of layouts, per layer's
// ∂C/∂W and for the biases, on a log axis with 0 drawn at the bottom.
func Conventions(l *experiments.Layouts) ([]byte, error) {
	pl, err := ConventionsPlot(l)
	if err != nil {
		return nil, err
	}
	return SideLegend(pl, figureWidth+2*vg.Inch, panelHeight, 2.7*vg.Inch)
}

// ConventionsPlot lays out the Conventions figure.
func ConventionsPlot(l *experiments.Layouts) (*plot.Plot, error) {
	pl := plot.New()
	pl.Title.Text = "The same gradient in three layouts: shapes differ, numbers agree\n" + experiments.Describe(l.Problem)
	pl.Y.Label.Text = "max |difference| between two layouts (log10 scale)"
	pl.X.Label.Text = "parameter"
	L := len(l.MaxDiff[0])
	var names []string
	for ℓ := 1; ℓ <= L; ℓ++ {
		names = append(names, fmt.Sprintf("∂C/∂W%s", sup(ℓ)))
	}
	names = append(names, "∂C/∂b (all layers)")
	w := vg.Points(22)
	for k, pair := range l.Pairs {
		vals := make(plotter.Values, 0, L+1)
		for _, d := range l.MaxDiff[k] {
			vals = append(vals, clampLog10(d, diffFloor)-diffFloor)
		}
		vals = append(vals, clampLog10(l.BiasDiff[k], diffFloor)-diffFloor)
		bars, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return nil, err
		}
		// Bars grow from the floor (0 difference) up.
		bars.Offset = vg.Length(k-1) * w
		bars.Color = palette10[k]
		bars.LineStyle.Width = 0
		bars.Horizontal = false
		pl.Add(bars)
		pl.Legend.Add(pair, bars)
	}
	pl.NominalX(names...)
	// Up to 1e-10 (further if a difference is larger): room to see that
	// every bar is at rounding level, far below any real mistake.
	top := -10.0
	for k := range l.Pairs {
		for _, d := range append(append([]float64(nil), l.MaxDiff[k]...), l.BiasDiff[k]) {
			top = math.Max(top, math.Ceil(clampLog10(d, diffFloor))+1)
		}
	}
	pl.Y.Min, pl.Y.Max = 0, top-diffFloor
	pl.Y.Tick.Marker = shiftedLogTicks{shift: diffFloor}
	pl.Legend.Add("")
	for c, conv := range derive.Conventions {
		s := conv.String() + ": "
		for ℓ, sh := range l.Shapes[c] {
			if ℓ > 0 {
				s += ", "
			}
			s += fmt.Sprintf("W%s %s", sup(ℓ+1), sh)
		}
		pl.Legend.Add(s)
	}
	line, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: -16 - diffFloor}, {X: float64(L) + 0.5, Y: -16 - diffFloor}})
	if err != nil {
		return nil, err
	}
	line.Color, line.Dashes, line.Width = grey, dashed, vg.Points(1)
	pl.Add(line)
	pl.Legend.Add("1e-16: float64 rounding", line)
	pl.X.Min, pl.X.Max = -0.6, float64(L)+0.6
	return pl, nil
}

// shiftedLogTicks labels a log10 axis drawn shifted up by −shift, so that
// bars start at 0: the bottom tick reads 0 (an exact zero difference).
type shiftedLogTicks struct{ shift float64 }

func (t shiftedLogTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for v := math.Ceil(lo); v <= hi; v++ {
		e := int(v + t.shift)
		tick := plot.Tick{Value: v}
		switch {
		case v == 0:
			tick.Label = "0"
		case e%2 == 0:
			tick.Label = powerLabel(1, e, true)
		}
		ticks = append(ticks, tick)
	}
	return ticks
}

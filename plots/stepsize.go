package plots

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"

	"github.com/backproof/backproof/experiments"
	"github.com/backproof/backproof/numgrad"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// errFloor is where errors of exactly 0 are drawn on the log scale.
const errFloor = 1e-17

// StepSize draws the step-size figure of curves (experiments.StepCurves)
// as PNG bytes: for each method of numgrad, the largest relative error
// against the analytic gradient as a function of the step h, on log-log
// axes (StepCaption says what it shows). subtitle names the problem
// (experiments.Describe).
func StepSize(curves []experiments.StepCurve, subtitle string) ([]byte, error) {
	pl, err := StepSizePlot(curves, subtitle)
	if err != nil {
		return nil, err
	}
	return SideLegend(pl, figureWidth+1.5*vg.Inch, panelHeight, 2.2*vg.Inch)
}

// methodStyle is how a method's line is drawn: its colour and dashes, its
// width, and its layer (lower layers are drawn first, beneath). Pairs
// that can coincide (forward and backward, five-point and Richardson,
// the complex step and central on the right) share a colour and are
// drawn wide and solid beneath, thin and dashed on top, so both show.
type methodStyle struct {
	color  color.RGBA
	dashes []vg.Length
	width  vg.Length
	layer  int
}

var pairDashes = []vg.Length{vg.Points(4), vg.Points(2)}

// methodStyles is one row per method of numgrad (TestEveryMethodStyled).
// The complex step lies beneath everything: on the right its truncation
// error h²|f‴|/6 is central's. Central, backproof's default, lies on top.
var methodStyles = map[numgrad.Method]methodStyle{
	numgrad.Central:     {color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, nil, vg.Points(2), 1},
	numgrad.Forward:     {color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, nil, vg.Points(3.5), 0},
	numgrad.Backward:    {color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, pairDashes, vg.Points(1.5), 0},
	numgrad.FivePoint:   {color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, nil, vg.Points(3.5), 0},
	numgrad.Richardson:  {color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, pairDashes, vg.Points(1.5), 0},
	numgrad.ComplexStep: {color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, nil, vg.Points(4), -1},
}

// StepSizePlot lays out curves as the step-size figure, titled with subtitle.
func StepSizePlot(curves []experiments.StepCurve, subtitle string) (*plot.Plot, error) {
	pl := plot.New()
	pl.Title.Text = "Finite-difference error against step size\n" + subtitle
	pl.X.Label.Text = "step h"
	pl.Y.Label.Text = "max relative error vs backprop"
	// The axes are linear in log10 of the values, with ticks labelled as
	// powers of ten: gonum/plot centres an axis label at the arithmetic
	// mean of the range, which a LogScale puts near the top.
	pl.X.Tick.Marker, pl.Y.Tick.Marker = decades(3), decades(2)
	// Half a decade of room beyond the data on every side: an error of 0
	// (drawn at the floor) and the last step are not drawn on the frame.
	top := 0.0
	for _, c := range curves {
		for _, e := range c.Errors {
			top = math.Max(top, logErr(e))
		}
	}
	pl.Y.Min, pl.Y.Max = math.Log10(errFloor)-0.5, top+0.5
	pl.X.Min, pl.X.Max = -20.5, -0.5
	pl.Add(plotter.NewGrid())
	// StepSize draws the legend beside the data, where it hides nothing.
	pl.Legend.ThumbnailWidth = vg.Points(24)
	// The lines are drawn layer by layer (methodStyles), each layer's in
	// the curves' order.
	order := slices.Clone(curves)
	slices.SortStableFunc(order, func(a, b experiments.StepCurve) int {
		return cmp.Compare(methodStyles[a.Method].layer, methodStyles[b.Method].layer)
	})
	lines := map[numgrad.Method]*plotter.Line{}
	for _, c := range order {
		xy := make(plotter.XYs, len(c.Steps))
		for k := range c.Steps {
			xy[k].X, xy[k].Y = math.Log10(c.Steps[k]), logErr(c.Errors[k])
		}
		line, err := plotter.NewLine(xy)
		if err != nil {
			return nil, err
		}
		st, ok := methodStyles[c.Method]
		if !ok {
			return nil, fmt.Errorf("plots: no line style for the method %v", c.Method)
		}
		line.Color, line.Dashes, line.Width = st.color, st.dashes, st.width
		pl.Add(line)
		lines[c.Method] = line
		dot, err := plotter.NewScatter(defaultPoint(c))
		if err != nil {
			return nil, err
		}
		dot.Color, dot.Shape, dot.Radius = st.color, draw.CircleGlyph{}, vg.Points(3.5)
		pl.Add(dot)
	}
	for _, c := range curves {
		pl.Legend.Add(c.Method.String(), lines[c.Method])
	}
	pl.Legend.Add("error at the default step", glyphLegend{draw.GlyphStyle{Color: black, Shape: draw.CircleGlyph{}, Radius: vg.Points(3.5)}})
	return pl, nil
}

// defaultPoint is the curve's error at the method's default step.
func defaultPoint(c experiments.StepCurve) plotter.XYs {
	return plotter.XYs{{X: math.Log10(c.Method.DefaultStep()), Y: logErr(c.DefaultError)}}
}

// logErr is where an error is drawn: log10, with 0 at the floor.
func logErr(e float64) float64 { return math.Log10(math.Max(e, errFloor)) }

// decades ticks every whole number of an axis in log10 and labels every
// n-th as the power of ten it stands for.
type decades int

func (n decades) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for e := int(math.Ceil(lo)); e <= int(math.Floor(hi)); e++ {
		t := plot.Tick{Value: float64(e)}
		if e%int(n) == 0 {
			t.Label = fmt.Sprintf("1e%d", e)
			if e == 0 {
				t.Label = "1"
			}
		}
		ticks = append(ticks, t)
	}
	return ticks
}

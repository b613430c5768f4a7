package plots

import (
	"fmt"
	"image/color"
	"math"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// StepCaption is the caption of the StepSize figure, for reports and docs.
const StepCaption = `Error of each numerical method against the analytic gradient, as the step h shrinks (log-log). ` +
	`Each real difference follows a V: on the right the truncation error falls as h^p (p = 1 for forward and backward, ` +
	`2 for central, 4 for five-point and Richardson), on the left the rounding error ε·|C|/h rises, because two nearly equal ` +
	`costs are subtracted. The bottom of each V is the best step, near ε^(1/(p+1)); the dots are the default steps. ` +
	`The complex step subtracts nothing: once h²·|f‴/f′| is below ε its error stays at the rounding of the gradient itself, ` +
	`however small h gets (on the right its truncation error h²|f‴|/6 is central's, and the two lines coincide). Conclusion: central differences cannot be trusted beyond about 1e-10; ` +
	`five-point and Richardson reach about 1e-13 at one step; the complex step reaches the analytic gradient's own rounding at any small step.`

// errFloor is where errors of exactly 0 are drawn on the log scale.
const errFloor = 1e-17

// StepCurve is one method's error as a function of the step.
type StepCurve struct {
	Method numgrad.Method
	Steps  []float64
	// Errors[k] is the largest relative error compare.RelError over the
	// well-scaled entries (see WellScaled) at Steps[k].
	Errors []float64
	// DefaultError is the error at Method.DefaultStep().
	DefaultError float64
}

// WellScaled is the fraction of the largest analytic entry above which an
// entry counts in a StepCurve: an entry far smaller than the rest is known
// by a finite difference only to an absolute error set by the rest, so its
// relative error says nothing about the method.
const WellScaled = 1e-3

// Steps are the steps of the figure for method m: half decades from 1e-1
// down to 1e-16 (where θ + h rounds back to θ for parameters of order one)
// for the real differences, and on to 1e-20, the default, for the complex
// step.
func Steps(m numgrad.Method) []float64 {
	last := 32
	if m == numgrad.ComplexStep {
		last = 40
	}
	var steps []float64
	for k := 2; k <= last; k++ {
		steps = append(steps, math.Pow(10, -float64(k)/2))
	}
	return steps
}

// StepCurves computes every method's error against the analytic gradient
// of p at each of its Steps and at its default step, by numgrad's
// layer-aware NetGradient on every core.
func StepCurves(p *problem.Problem) []StepCurve {
	analytic := p.Net.Backprop(p.X, p.Y).Grad(nil)
	var top float64
	for _, a := range analytic {
		top = math.Max(top, math.Abs(a))
	}
	numeric := make([]float64, len(analytic))
	maxRel := func(m numgrad.Method, h float64) float64 {
		numgrad.NetGradient(numeric, p.Net, p.X, p.Y, &numgrad.Settings{Method: m, Step: h, Concurrent: true})
		var worst float64
		for i, a := range analytic {
			if math.Abs(a) >= WellScaled*top {
				worst = math.Max(worst, compare.RelError(a, numeric[i]))
			}
		}
		return worst
	}
	var curves []StepCurve
	for _, m := range numgrad.Methods {
		c := StepCurve{Method: m, Steps: Steps(m), DefaultError: maxRel(m, m.DefaultStep())}
		for _, h := range c.Steps {
			c.Errors = append(c.Errors, maxRel(m, h))
		}
		curves = append(curves, c)
	}
	return curves
}

// StepSize draws the step-size figure of p to a PNG file at path: for each
// method of numgrad, the largest relative error against the analytic
// gradient as a function of the step h, on log-log axes (StepCaption says
// what it shows). It evaluates the gradient 6 × 32 times (the complex step
// 40), by the fast path.
func StepSize(p *problem.Problem, path string) error {
	pl, err := StepSizePlot(StepCurves(p), fmt.Sprintf("network %v, %v, %v cost", p.Net.Sizes(), p.Net.Convention, p.Net.Cost))
	if err != nil {
		return err
	}
	return pl.Save(7*vg.Inch, 4.5*vg.Inch, path)
}

// styles are the methods' colours and dashes, in the order of numgrad.Methods.
var styles = []struct {
	color  color.RGBA
	dashes []vg.Length
}{
	{color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, nil},                                     // central
	{color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, nil},                                     // forward
	{color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, []vg.Length{vg.Points(4), vg.Points(2)}}, // backward
	{color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, nil},                                     // five-point
	{color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, []vg.Length{vg.Points(4), vg.Points(2)}}, // richardson
	{color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, nil},                                     // complex-step
}

// StepSizePlot lays out curves as the step-size figure, titled with subtitle.
func StepSizePlot(curves []StepCurve, subtitle string) (*plot.Plot, error) {
	pl := plot.New()
	pl.Title.Text = "Finite-difference error against step size\n" + subtitle
	pl.X.Label.Text = "step h"
	pl.Y.Label.Text = "max relative error vs backprop"
	// The axes are linear in log10 of the values, with ticks labelled as
	// powers of ten: gonum/plot centres an axis label at the arithmetic
	// mean of the range, which a LogScale puts near the top.
	pl.X.Tick.Marker, pl.Y.Tick.Marker = decades(3), decades(2)
	pl.Y.Min, pl.Y.Max = math.Log10(errFloor), 1
	pl.Add(plotter.NewGrid())
	pl.Legend.Top, pl.Legend.Left = true, true
	pl.Legend.XOffs = vg.Points(6)
	pl.Legend.ThumbnailWidth = vg.Points(24)
	// The complex step is drawn first: on the right its truncation error
	// h²|f‴|/6 is central's, and central's line goes on top.
	order := make([]StepCurve, 0, len(curves))
	for _, c := range curves {
		if c.Method == numgrad.ComplexStep {
			order = append([]StepCurve{c}, order...)
		} else {
			order = append(order, c)
		}
	}
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
		st := styles[int(c.Method)%len(styles)]
		line.Color, line.Dashes, line.Width = st.color, st.dashes, vg.Points(1.5)
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
	return pl, nil
}

// defaultPoint is the curve's error at the method's default step.
func defaultPoint(c StepCurve) plotter.XYs {
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

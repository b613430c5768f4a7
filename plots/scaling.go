package plots

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// ScalingSeries is one program's seconds at several sizes, as measured:
// the sizes in increasing order.
type ScalingSeries struct {
	Name    string
	Sizes   []float64
	Seconds []float64
	// Style picks the colour: series of one program share it across
	// panels (0 backproof, 1 numpy, 2 torch, 3 backproof's second path).
	Style int
	// Dashed draws the line dashed: a different method (the directional
	// check) or a part of the work.
	Dashed bool
}

// ScalingPanel is one log–log panel of the scaling figure.
type ScalingPanel struct {
	Title, XLabel string
	Series        []ScalingSeries
}

// ScalingCaption says what the scaling figure shows.
const ScalingCaption = `How the time grows with the size of the network, on log–log axes, where a power law t ∝ size^s is a straight line ` +
	`of slope s (the legend gives each line's least-squares slope). Left: one training epoch of [784, n, 10] on the MNIST ` +
	`training images against the hidden width n, beside a vectorized numpy epoch measured in the same run. Right: the ` +
	`entry-by-entry central check of [784, n, 10] on a batch of 10 dense inputs against the number of parameters, beside ` +
	`torch.autograd.gradcheck in slow mode. A slope of 1 means twice the network costs twice the time.`

// scalingStyles are the series' colours by ScalingSeries.Style.
var scalingStyles = []color.RGBA{
	{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, // backproof
	{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, // numpy
	{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, // torch
	{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}, // backproof, another path
}

// Slope is the least-squares slope of log10(seconds) against log10(size):
// the exponent s of a power law seconds ∝ size^s through the points. It is
// NaN for fewer than two points.
func Slope(sizes, seconds []float64) float64 {
	n := float64(len(sizes))
	if len(sizes) < 2 || len(seconds) != len(sizes) {
		return math.NaN()
	}
	var sx, sy, sxx, sxy float64
	for i := range sizes {
		x, y := math.Log10(sizes[i]), math.Log10(seconds[i])
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	return (n*sxy - sx*sy) / (n*sxx - sx*sx)
}

// Scaling draws the panels side by side, log–log, as PNG bytes, with one
// legend (every series' name and slope) on the right. Every size and time
// must be positive.
func Scaling(panels []ScalingPanel) ([]byte, error) {
	var pls []*plot.Plot
	legend := plot.NewLegend()
	for _, p := range panels {
		pl, err := scalingPanel(p, &legend)
		if err != nil {
			return nil, err
		}
		pls = append(pls, pl)
	}
	// The panels side by side, their data areas aligned, and the legend
	// in a column of its own on the right, where it hides no line.
	const w, h, legendW = 11.5 * vg.Inch, 4.2 * vg.Inch, 3.2 * vg.Inch
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(96))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: len(pls), PadTop: vg.Points(4), PadBottom: vg.Points(4),
		PadLeft: vg.Points(4), PadRight: vg.Points(4), PadX: vg.Points(10)}
	canvases := plot.Align([][]*plot.Plot{pls}, tiles, draw.Crop(dc, 0, -legendW, 0, 0))
	for j, pl := range pls {
		pl.Draw(canvases[0][j])
	}
	legend.Top, legend.Left = true, true
	legend.XOffs, legend.YOffs = vg.Points(4), -vg.Points(40)
	legend.Draw(draw.Crop(dc, w-legendW, 0, 0, 0))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func scalingPanel(p ScalingPanel, legend *plot.Legend) (*plot.Plot, error) {
	pl := plot.New()
	pl.Title.Text = p.Title
	pl.X.Label.Text = p.XLabel
	pl.Y.Label.Text = "seconds"
	pl.X.Scale, pl.Y.Scale = plot.LogScale{}, plot.LogScale{}
	pl.X.Tick.Marker, pl.Y.Tick.Marker = scalingTicks{}, scalingTicks{}
	pl.Add(plotter.NewGrid())
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range p.Series {
		if len(s.Sizes) == 0 || len(s.Sizes) != len(s.Seconds) {
			return nil, fmt.Errorf("plots: series %q has %d sizes and %d times", s.Name, len(s.Sizes), len(s.Seconds))
		}
		xy := make(plotter.XYs, len(s.Sizes))
		for i := range s.Sizes {
			if !(s.Sizes[i] > 0) || !(s.Seconds[i] > 0) {
				return nil, fmt.Errorf("plots: series %q: size %g, %g s: a log scale needs positive numbers", s.Name, s.Sizes[i], s.Seconds[i])
			}
			xy[i].X, xy[i].Y = s.Sizes[i], s.Seconds[i]
			lo, hi = math.Min(lo, s.Seconds[i]), math.Max(hi, s.Seconds[i])
		}
		line, points, err := plotter.NewLinePoints(xy)
		if err != nil {
			return nil, err
		}
		c := scalingStyles[s.Style%len(scalingStyles)]
		line.Color, line.Width = c, vg.Points(2)
		if s.Dashed {
			line.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		points.Color, points.Shape, points.Radius = c, draw.CircleGlyph{}, vg.Points(3)
		pl.Add(line, points)
		name := s.Name
		if len(s.Sizes) >= 2 {
			name += fmt.Sprintf(", slope %.2f", Slope(s.Sizes, s.Seconds))
		}
		legend.Add(name, line, points)
	}
	// Room above and below the data: a decade's fifth each way.
	pl.Y.Min, pl.Y.Max = lo/1.6, hi*1.6
	return pl, nil
}

// scalingTicks marks every power of ten, labelled, and the 2s and 5s between,
// unlabelled, on a log axis.
type scalingTicks struct{}

func (scalingTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		d := math.Pow(10, e)
		for _, m := range []float64{1, 2, 5} {
			v := m * d
			if v < lo || v > hi {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 {
				t.Label = decadeLabel(e)
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// decadeLabel writes 10^e plainly from 0.01 to 1000, and as 1eN beyond,
// where zeros are hard to count.
func decadeLabel(e float64) string {
	switch {
	case e >= -2 && e < 0:
		return strings.TrimRight(fmt.Sprintf("%.2f", math.Pow(10, e)), "0")
	case e >= 0 && e <= 3:
		return fmt.Sprintf("%.0f", math.Pow(10, e))
	}
	return fmt.Sprintf("1e%.0f", e)
}

package plots

import (
	"bytes"
	"image/color"
	"math"

	"github.com/backproof/backproof/outfile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Grid draws rows of plots (nil entries leave a gap) as one PNG of w × h,
// with heights[i] the share of the height row i gets (nil: equal rows).
// plot.Align lines up the data areas of plots in one row and one column.
func Grid(rows [][]*plot.Plot, w, h vg.Length, heights []float64) ([]byte, error) {
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(96))
	dc := draw.New(img)
	if len(rows) == 1 && len(rows[0]) == 1 {
		rows[0][0].Draw(dc)
	} else if heights == nil {
		cols := 0
		for _, r := range rows {
			cols = max(cols, len(r))
		}
		tiles := draw.Tiles{Rows: len(rows), Cols: cols, PadTop: vg.Points(4), PadBottom: vg.Points(4),
			PadLeft: vg.Points(4), PadRight: vg.Points(8), PadX: vg.Points(8), PadY: vg.Points(10)}
		canvases := plot.Align(rows, tiles, dc)
		for i, r := range rows {
			for j, p := range r {
				if p != nil {
					p.Draw(canvases[i][j])
				}
			}
		}
	} else {
		var total float64
		for _, s := range heights {
			total += s
		}
		top := dc.Max.Y
		for i, r := range rows {
			rh := vg.Length(heights[i]/total) * (dc.Max.Y - dc.Min.Y)
			band := draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{Min: vg.Point{X: dc.Min.X, Y: top - rh}, Max: vg.Point{X: dc.Max.X, Y: top}}}
			tiles := draw.Tiles{Rows: 1, Cols: len(r), PadTop: vg.Points(4), PadBottom: vg.Points(4),
				PadLeft: vg.Points(4), PadRight: vg.Points(8), PadX: vg.Points(8)}
			canvases := plot.Align([][]*plot.Plot{r}, tiles, band)
			for j, p := range r {
				if p != nil {
					p.Draw(canvases[0][j])
				}
			}
			top -= rh
		}
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteFile writes PNG bytes to path, through a temporary file beside it
// (outfile.WriteFile): a failure leaves the old file, never a part.
func WriteFile(path string, png []byte) error { return outfile.WriteFile(path, png) }

// colorBar is a horizontal colour bar for the values lo..hi of cm, labelled.
func colorBar(cm palette.ColorMap, lo, hi float64, label string, ticks plot.Ticker) *plot.Plot {
	cm.SetMin(lo)
	cm.SetMax(hi)
	pl := plot.New()
	pl.Add(&plotter.ColorBar{ColorMap: cm, Colors: 256})
	pl.HideY()
	pl.X.Label.Text = label
	pl.X.Min, pl.X.Max = lo, hi
	if ticks != nil {
		pl.X.Tick.Marker = ticks
	}
	return pl
}

// heatGrid is a matrix drawn as a heat map: cell (r, c) at x = c, y = r
// counted from the top, as a matrix reads.
type heatGrid struct {
	z    [][]float64 // z[r][c]
	x, y []float64   // optional coordinates of the columns and rows
}

func (g heatGrid) Dims() (c, r int) { return len(g.z[0]), len(g.z) }
func (g heatGrid) Z(c, r int) float64 {
	return g.z[r][c]
}
func (g heatGrid) X(c int) float64 {
	if g.x != nil {
		return g.x[c]
	}
	return float64(c)
}
func (g heatGrid) Y(r int) float64 {
	if g.y != nil {
		return g.y[r]
	}
	return -float64(r)
}

// glyphLegend is a legend thumbnail of a single glyph.
type glyphLegend struct{ draw.GlyphStyle }

func (g glyphLegend) Thumbnail(c *draw.Canvas) {
	c.DrawGlyph(g.GlyphStyle, c.Center())
}

// clampLog10 is log10(v), or lo for v ≤ 10^lo (zeros included): where a
// value too small for a log axis is drawn.
func clampLog10(v, lo float64) float64 {
	if !(v > 0) || math.Log10(v) < lo {
		return lo
	}
	return math.Log10(v)
}

var (
	black     = color.RGBA{A: 0xff}
	red       = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	palette10 = []color.RGBA{
		{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}, {R: 0xff, G: 0x7f, B: 0x0e, A: 0xff}, {R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
		{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}, {R: 0x94, G: 0x67, B: 0xbd, A: 0xff}, {R: 0x8c, G: 0x56, B: 0x4b, A: 0xff},
		{R: 0xe3, G: 0x77, B: 0xc2, A: 0xff}, {R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff}, {R: 0xbc, G: 0xbd, B: 0x22, A: 0xff},
		{R: 0x17, G: 0xbe, B: 0xcf, A: 0xff},
	}
)

// SideLegend draws pl as PNG bytes w × h with its legend beside the data,
// in a column legendW wide on the right, so that it hides no curve.
func SideLegend(pl *plot.Plot, w, h, legendW vg.Length) ([]byte, error) {
	return RowSideLegend([]*plot.Plot{pl}, 0, w, h, legendW)
}

// RowSideLegend draws panels side by side, their data areas aligned, with
// the legend of panels[from] (the others' are dropped) in a column legendW
// wide on the right, as PNG bytes w × h.
func RowSideLegend(panels []*plot.Plot, from int, w, h, legendW vg.Length) ([]byte, error) {
	return GridSideLegend([][]*plot.Plot{panels}, panels[from], w, h, legendW)
}

// GridSideLegend draws rows of panels, aligned, with the legend of the
// panel legendOf (the others' are dropped) in a column legendW wide on the
// right, as PNG bytes w × h.
func GridSideLegend(rows [][]*plot.Plot, legendOf *plot.Plot, w, h, legendW vg.Length) ([]byte, error) {
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(96))
	dc := draw.New(img)
	leg := legendOf.Legend
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
		for _, p := range r {
			p.Legend = plot.NewLegend()
		}
	}
	tiles := draw.Tiles{Rows: len(rows), Cols: cols, PadTop: vg.Points(4), PadBottom: vg.Points(4),
		PadLeft: vg.Points(4), PadRight: vg.Points(4), PadX: vg.Points(10), PadY: vg.Points(12)}
	canvases := plot.Align(rows, tiles, draw.Crop(dc, 0, -legendW, 0, 0))
	for i, r := range rows {
		for j, p := range r {
			p.Draw(canvases[i][j])
		}
	}
	legendOf.Legend = leg
	leg.Top, leg.Left = true, true
	leg.XOffs, leg.YOffs = vg.Points(4), -vg.Points(40)
	leg.Draw(draw.Crop(dc, w-legendW, 0, 0, 0))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

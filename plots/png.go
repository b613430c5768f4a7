package plots

import (
	"bytes"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// PNG renders p as a PNG image w wide and h high, for showing a figure
// without a file: the notebooks pass it to gonbui.DisplayPNG. Zero sizes
// mean the figures' usual 6 × 4 inches.
func PNG(p *plot.Plot, w, h vg.Length) ([]byte, error) {
	if w == 0 {
		w = 6 * vg.Inch
	}
	if h == 0 {
		h = 4 * vg.Inch
	}
	wt, err := p.WriterTo(w, h, "png")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if _, err := wt.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

package plots

import (
	"fmt"
	"math"

	"github.com/backproof/backproof/curvature"
	"github.com/backproof/backproof/experiments"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The marks of the curvature figure, which its caption names.
const (
	markNegLambda = "▲" // −λmin where λmin < 0
	markPosLambda = "○" // λmin ≥ 0
	markMaxLambda = "●" // |λmax|, on a red line
)

// probeView is what one panel of the curvature figure reads of a probe:
// the whole net's numbers, or one block's.
type probeView struct {
	g, lmin, lmax float64
	kind          curvature.Kind
}

// curvaturePanel is one panel of the curvature figure: a track, and the
// block it shows (−1: the whole net).
type curvaturePanel struct {
	track *experiments.Track
	block int
}

func (p curvaturePanel) views() []probeView {
	var v []probeView
	for _, r := range p.track.Probes {
		if p.block < 0 {
			v = append(v, probeView{r.GradNorm, r.LambdaMin, r.LambdaMax, r.Kind})
		} else if p.block < len(r.Blocks) {
			b := r.Blocks[p.block]
			v = append(v, probeView{b.GradNorm, b.LambdaMin, b.LambdaMax, b.Kind})
		}
	}
	return v
}

func (p curvaturePanel) what() string {
	if p.block < 0 {
		return "whole net"
	}
	if b := p.track.Probes; len(b) > 0 && p.block < len(b[0].Blocks) {
		return b[0].Blocks[p.block].Name + " alone"
	}
	return fmt.Sprintf("block %d", p.block+1)
}

// curvaturePanels are the panels of the curvature figure: each track's
// whole net, and beside it the block of each MNIST track that is flat at
// any of its probes (the saturated layer 1 of U[0,1)), so that the
// evidence for a plateau is drawn, not only named.
func curvaturePanels(tracks []*experiments.Track) []curvaturePanel {
	var ps []curvaturePanel
	for _, tr := range tracks {
		ps = append(ps, curvaturePanel{tr, -1})
		if len(tr.Probes) == 0 {
			continue
		}
		for b := range tr.Probes[0].Blocks {
			for _, r := range tr.Probes {
				if b < len(r.Blocks) && r.Blocks[b].Kind == curvature.Flat {
					ps = append(ps, curvaturePanel{tr, b})
					break
				}
			}
		}
	}
	return ps
}

// Curvature draws the tracks (experiments.SaddleTrack, MNISTTrack) as PNG
// bytes, with each flat block's own panel beside its track's whole net:
// the tracks without a flat block side by side in the first row, each
// track with one in a row of its own. Panels of tracks in the same unit
// (the MNIST epochs) share one y axis, so that their heights compare.
func Curvature(tracks []*experiments.Track) ([]byte, error) {
	panels := curvaturePanels(tracks)
	shared := map[string][]float64{}
	for _, p := range panels {
		for _, v := range p.views() {
			shared[p.track.Unit] = append(shared[p.track.Unit], v.g, math.Abs(v.lmin), math.Abs(v.lmax))
		}
	}
	var plain []*plot.Plot
	var rows [][]*plot.Plot
	for i := 0; i < len(panels); {
		j := i + 1
		for j < len(panels) && panels[j].track == panels[i].track {
			j++
		}
		var group []*plot.Plot
		for _, p := range panels[i:j] {
			y := newValueAxis(append(shared[p.track.Unit], curvature.DefaultFlatTol), true, true)
			pl, err := curvaturePlot(p, y)
			if err != nil {
				return nil, err
			}
			group = append(group, pl)
		}
		if len(group) == 1 {
			plain = append(plain, group[0])
		} else {
			rows = append(rows, group)
		}
		i = j
	}
	if len(plain) > 0 {
		rows = append([][]*plot.Plot{plain}, rows...)
	}
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	w := 4.6*vg.Inch*vg.Length(cols) + 2.9*vg.Inch
	return GridSideLegend(rows, rows[0][0], w, 4.6*vg.Inch*vg.Length(len(rows)), 2.9*vg.Inch)
}

// CurvaturePlot is one track's whole-net panel, its legend meant to be
// drawn beside it (RowSideLegend).
func CurvaturePlot(tr *experiments.Track) (*plot.Plot, error) {
	p := curvaturePanel{tr, -1}
	var all []float64
	for _, v := range p.views() {
		all = append(all, v.g, math.Abs(v.lmin), math.Abs(v.lmax))
	}
	return curvaturePlot(p, newValueAxis(append(all, curvature.DefaultFlatTol), true, true))
}

func curvaturePlot(p curvaturePanel, y valueAxis) (*plot.Plot, error) {
	tr := p.track
	c := newChart("", 5*vg.Inch)
	c.side = true
	y.apply(&c.pl.Y)
	c.pl.Y.Label.Text = "‖grad C‖ and |λ| (log10 scale)"
	c.pl.X.Label.Text = tr.Unit
	if tr.Unit == "step" {
		c.pl.X.Label.Text = "full-batch gradient-descent step"
	}
	lo, hi := 0.0, 1.0
	for _, a := range tr.At {
		hi = math.Max(hi, a)
	}
	c.pl.X.Min, c.pl.X.Max = lo-(hi-lo)/40, hi+(hi-lo)/40
	if tr.Unit == "epoch" {
		c.pl.X.Tick.Marker = epochTicks{}
	}
	views := p.views()
	kind := "—"
	if n := len(views); n > 0 {
		kind = views[n-1].kind.String()
	}
	c.pl.Title.Text = fmt.Sprintf("%s\n%s; last point: %s", tr.Name, p.what(), kind)
	c.pl.Title.TextStyle.Font.Size = vg.Points(10)
	if err := c.hline(y.at(curvature.DefaultFlatTol), num(curvature.DefaultFlatTol)+": flat below", grey, dotted); err != nil {
		return nil, err
	}
	var g, lmax, lneg, lpos plotter.XYs
	for i, v := range views {
		x := tr.At[i]
		g = appendFinite(g, x, y.at(v.g))
		lmax = appendFinite(lmax, x, y.at(math.Abs(v.lmax)))
		if v.lmin < 0 {
			lneg = appendFinite(lneg, x, y.at(-v.lmin))
		} else {
			lpos = appendFinite(lpos, x, y.at(v.lmin))
		}
	}
	if err := c.add(series{name: "‖grad C‖", xy: g, color: black}); err != nil {
		return nil, err
	}
	if err := c.add(series{name: "|λmax| (" + markMaxLambda + ")", xy: lmax, color: red}); err != nil {
		return nil, err
	}
	// λmin's two signs as marks without a line: the sign may change.
	blue := palette10[0]
	for _, m := range []struct {
		name  string
		xy    plotter.XYs
		shape draw.GlyphDrawer
	}{{"−λmin (" + markNegLambda + "), where λmin < 0", lneg, draw.PyramidGlyph{}}, {"λmin (" + markPosLambda + "), where λmin ≥ 0", lpos, draw.RingGlyph{}}} {
		sc, err := plotter.NewScatter(append(plotter.XYs{}, m.xy...))
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: blue, Shape: m.shape, Radius: vg.Points(3.5)}
		if len(m.xy) > 0 {
			c.pl.Add(sc)
			c.data = true
		}
		// Both marks in every legend, so that the figure's one legend
		// names them whichever panel it is taken from.
		c.legend(m.name, sc, m.xy)
	}
	ps, err := c.finish("no probe")
	if err != nil {
		return nil, err
	}
	return ps[0], nil
}

// LossSurface draws the slices (experiments.SliceAt) side by side with a
// shared colour bar, as PNG bytes.
func LossSurface(slices []experiments.Slice) ([]byte, error) {
	cm := moreland.SmoothBlueRed()
	cm.SetMin(-1)
	cm.SetMax(1)
	// Twenty bands of colour, each a tenth of the panel's largest |ΔC|:
	// their edges read as contour lines (gonum's contour plotter fails on
	// the crossing level lines of a saddle).
	pal := cm.Palette(20)
	var row []*plot.Plot
	for _, s := range slices {
		scale := 0.0
		for _, r := range s.Delta {
			for _, v := range r {
				if isFinite(v) {
					scale = math.Max(scale, math.Abs(v))
				}
			}
		}
		if scale == 0 {
			scale = 1
		}
		n := len(s.A)
		z := make([][]float64, len(s.B))
		for j := range s.B {
			z[j] = make([]float64, n)
			for i := range s.A {
				z[j][i] = s.Delta[i][j] / scale
			}
		}
		g := heatGrid{z: z, x: s.A, y: s.B}
		pl := plot.New()
		hm := plotter.NewHeatMap(g, pal)
		hm.Min, hm.Max = -1, 1
		pl.Add(hm)
		cross, err := plotter.NewScatter(plotter.XYs{{}})
		if err != nil {
			return nil, err
		}
		cross.GlyphStyle = draw.GlyphStyle{Color: black, Shape: draw.PlusGlyph{}, Radius: vg.Points(5)}
		pl.Add(cross)
		kinds := s.Summary
		if kinds == "" {
			kinds = s.Kind.String()
		}
		pl.Title.Text = fmt.Sprintf("%s\n%s\n‖grad C‖ = %.2g, λmin = %.2g, λmax = %.2g; max |ΔC| = %.2g, C(θ) = %.4g",
			s.Name, kinds, s.GradNorm, s.LambdaMin, s.LambdaMax, scale, s.C0)
		pl.Title.TextStyle.Font.Size = vg.Points(9)
		pl.X.Label.Text = "a: distance along v_min"
		pl.Y.Label.Text = "b: distance along v_max"
		pl.X.Min, pl.X.Max = s.A[0], s.A[n-1]
		pl.Y.Min, pl.Y.Max = s.B[0], s.B[len(s.B)-1]
		row = append(row, pl)
	}
	title := plot.New()
	title.HideAxes()
	title.Title.Text = "The cost around a saddle, a plateau and a minimum, along the Hessian's extreme eigenvectors"
	bar := colorBar(moreland.SmoothBlueRed(), -1, 1, "ΔC / max |ΔC| in its panel, in bands of 0.1: blue lower than at the centre (+), red higher", nil)
	return Grid([][]*plot.Plot{{title}, row, {bar}}, 12*vg.Inch, 5.5*vg.Inch, []float64{0.35, 4, 0.7})
}

// SaddleEscape draws the three runs of s (experiments.RunSaddle): cost
// above, gradient norm below, against the step, as PNG bytes.
func SaddleEscape(s *experiments.Saddle) ([]byte, error) {
	runs := []experiments.Trajectory{s.Symmetric, s.Nudged, s.Random}
	cols := []plotColor{palette10[3], palette10[0], palette10[2]}
	last := float64(s.Settings.Steps)
	panel := func(title, ylabel string, value func(tr experiments.Trajectory, i int) float64) (*plot.Plot, error) {
		c := newChart(title, panelsHeight/2)
		c.side = true
		c.pl.X.Min, c.pl.X.Max = -last/40, last*41/40
		c.pl.X.Label.Text = "full-batch gradient-descent step (= epoch)"
		var all []float64
		for _, tr := range runs {
			for i := range tr.Steps {
				all = append(all, value(tr, i))
			}
		}
		y := newValueAxis(all, true, true)
		y.apply(&c.pl.Y)
		c.pl.Y.Label.Text = ylabel + y.labelSuffix()
		if s.Escape >= 0 {
			xy := plotter.XYs{{X: float64(s.Escape), Y: c.pl.Y.Min}, {X: float64(s.Escape), Y: c.pl.Y.Max}}
			line, err := plotter.NewLine(xy)
			if err != nil {
				return nil, err
			}
			line.Color, line.Dashes, line.Width = grey, dotted, vg.Points(1.2)
			c.pl.Add(line)
			c.legend(fmt.Sprintf("escape: step %d", s.Escape), line, xy)
		}
		for k, tr := range runs {
			var xy plotter.XYs
			for i, st := range tr.Steps {
				xy = appendFinite(xy, float64(st), y.at(value(tr, i)))
			}
			// The symmetric run, which the nudged one follows until it
			// escapes, is drawn wide beneath it so that both show.
			width := vg.Points(1.2)
			if k == 0 {
				width = vg.Points(4)
			}
			if err := c.add(series{name: tr.Name, xy: xy, color: cols[k], thin: true, width: width}); err != nil {
				return nil, err
			}
		}
		ps, err := c.finish("no finite value")
		if err != nil {
			return nil, err
		}
		return ps[0], nil
	}
	top, err := panel(fmt.Sprintf("Leaving a saddle\nXOR, net [2, %d, 2] sigmoid, quadratic cost + %g/2·Σw², η %g, %d examples, seed %d",
		s.Settings.Hidden, s.Settings.Decay, s.Settings.Eta, s.Settings.Examples, s.Settings.Seed),
		"cost C", func(tr experiments.Trajectory, i int) float64 { return tr.Cost[i] })
	if err != nil {
		return nil, err
	}
	fitTitle(top)
	bottom, err := panel("", "‖grad C‖", func(tr experiments.Trajectory, i int) float64 { return tr.GradNorm[i] })
	if err != nil {
		return nil, err
	}
	return GridSideLegend([][]*plot.Plot{{top}, {bottom}}, top, figureWidth+2.6*vg.Inch, panelsHeight, 2.6*vg.Inch)
}

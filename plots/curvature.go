package plots

import (
	"fmt"
	"math"

	"github.com/backproof/backproof/experiments"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Captions of the curvature figures.
const (
	CurvatureCaption = `The thread ends on "there's definitely a saddle point or a local minimum". The curvature probe ` +
		`answers it: along three runs, the gradient norm ‖∇C‖ and the Hessian's extreme eigenvalues from Lanczos ` +
		`iterations (log10 scale; a negative λmin is drawn as −λmin, with downward triangles). Left: the XOR net nudged ` +
		`off its symmetric start — while it sits near the saddle the gradient is tiny and λmin < 0 (a direction goes ` +
		`down); once it escapes, λmin turns positive: a minimum. Middle: Nielsen's net from uniform [0,1) weights — ` +
		`gradient and curvature both near or below 1e-5 (dotted), the hidden layer flat in every direction: a plateau, ` +
		`neither saddle nor minimum. Right: a healthy run from N(0,1) — a gradient far above 1e-5 and curvature ` +
		`thousands of times the plateau's: a slope, still being descended. Each panel's title says how the probe classifies the run's last point.`
	LossSurfaceCaption = `The cost around three points, in the plane of the Hessian's extreme eigenvectors: ` +
		`ΔC = C(θ + a·v_min + b·v_max) − C(θ), coloured from blue (lower than at θ) to red (higher), each panel scaled to its ` +
		`own largest |ΔC| (in its title), in bands of a tenth of it whose edges are contour lines. Each axis spans ±√(2·0.001/|λ|), capped at 3, so a quadratic ` +
		`would change by 0.001 at the edge. The saddle falls along v_min (blue left and right) and rises along v_max ` +
		`(red above and below): a pass between two valleys. The minimum rises in every direction: a bowl. On the plateau ` +
		`v_max lies in the saturated hidden layer (λmax ≈ 1e-13) and the cost does not change along it at all over ±3 — the ` +
		`bands are vertical; only along v_min, in the output layer, does it fall slowly (the output biases learning the ` +
		`average answer). Nothing curves the hidden layer's way: no direction there to follow, which is why training stalls.`
	SaddleEscapeCaption = `Full-batch gradient descent on XOR with a [2, 2, 2] sigmoid net. Started with its two hidden units ` +
		`identical, the net stays symmetric forever (their gradients are identical too): it converges to the saddle, where ` +
		`it classifies 3 of the 4 corners, and stays. The same start nudged by 1e-6 sits on the saddle's plateau — cost ` +
		`flat, gradient tiny — while the asymmetry grows like exp(η|λmin|t), then escapes to a minimum that solves XOR ` +
		`(the dotted line marks the escape step). A random start, off the saddle, trains directly. A plateau in a loss ` +
		`curve can be a saddle being left slowly, not a minimum.`
)

// Curvature draws the tracks (experiments.SaddleTrack, MNISTTrack) side
// by side as PNG bytes.
func Curvature(tracks []*experiments.Track) ([]byte, error) {
	var row []*plot.Plot
	for _, tr := range tracks {
		pl, err := CurvaturePlot(tr)
		if err != nil {
			return nil, err
		}
		row = append(row, pl)
	}
	return RowSideLegend(row, 0, 13.5*vg.Inch, 5*vg.Inch, 2.9*vg.Inch)
}

// CurvaturePlot is one track's panel, its legend meant to be drawn beside
// it (RowSideLegend).
func CurvaturePlot(tr *experiments.Track) (*plot.Plot, error) {
	c := newChart("", 5*vg.Inch)
	c.side = true
	var all []float64
	for _, p := range tr.Probes {
		all = append(all, p.GradNorm, math.Abs(p.LambdaMin), math.Abs(p.LambdaMax))
	}
	all = append(all, 1e-5)
	y := newValueAxis(all, true, true)
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
	kind := "—"
	if n := len(tr.Probes); n > 0 {
		kind = tr.Probes[n-1].Kind.String()
	}
	c.pl.Title.Text = fmt.Sprintf("%s\nlast point: %s", tr.Name, kind)
	c.pl.Title.TextStyle.Font.Size = vg.Points(10)
	if err := c.hline(y.at(1e-5), "1e-5: flat", grey, dotted); err != nil {
		return nil, err
	}
	var g, lmax, lneg, lpos plotter.XYs
	for i, p := range tr.Probes {
		x := tr.At[i]
		g = appendFinite(g, x, y.at(p.GradNorm))
		lmax = appendFinite(lmax, x, y.at(math.Abs(p.LambdaMax)))
		if p.LambdaMin < 0 {
			lneg = appendFinite(lneg, x, y.at(-p.LambdaMin))
		} else {
			lpos = appendFinite(lpos, x, y.at(p.LambdaMin))
		}
	}
	if err := c.add(series{name: "‖grad C‖", xy: g, color: black}); err != nil {
		return nil, err
	}
	if err := c.add(series{name: "λmax", xy: lmax, color: red}); err != nil {
		return nil, err
	}
	// λmin's two signs as marks without a line: the sign may change.
	blue := palette10[0]
	for _, m := range []struct {
		name  string
		xy    plotter.XYs
		shape draw.GlyphDrawer
	}{{"−λmin, where λmin < 0", lneg, draw.PyramidGlyph{}}, {"λmin ≥ 0", lpos, draw.RingGlyph{}}} {
		if len(m.xy) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(m.xy)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: blue, Shape: m.shape, Radius: vg.Points(3.5)}
		c.pl.Add(sc)
		c.legend(m.name, sc, m.xy)
		c.data = true
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

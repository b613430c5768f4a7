package plots

import (
	"fmt"
	"html"
	"path/filepath"
	"strings"
	"time"

	"github.com/backproof/backproof/experiments"
	"github.com/backproof/backproof/outfile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// ReportFigure is one figure of the report: its fixed file name (other
// tools look for it), title, and how its picture and its caption are made
// from the results (the caption is a template filled from the same
// results, see captions.go).
type ReportFigure struct {
	File    string
	Title   string
	Caption func(r *experiments.Results) string
	Draw    func(r *experiments.Results) ([]byte, error)
}

// one draws a single-panel figure at the report's usual size, its legend
// beside the data.
func one(f func() (*plot.Plot, error)) ([]byte, error) {
	pl, err := f()
	if err != nil {
		return nil, err
	}
	return SideLegend(pl, figureWidth+2.5*vg.Inch, panelHeight, 2.6*vg.Inch)
}

// ReportFigures are the report's figures, in the order a reader meets them.
var ReportFigures = []ReportFigure{
	{File: "gradcheck-heatmap.png", Title: "Is my gradient right? Each entry against finite differences",
		Caption: func(r *experiments.Results) string { return GradcheckCaption(r.Gradcheck) },
		Draw:    func(r *experiments.Results) ([]byte, error) { return Gradcheck(r.Gradcheck) }},
	{File: "step-size.png", Title: "How small a step h? The error of each finite difference",
		Caption: func(r *experiments.Results) string { return StepCaption(r.StepCurves) },
		Draw: func(r *experiments.Results) ([]byte, error) {
			return StepSize(r.StepCurves, experiments.Describe(r.StepProblem))
		}},
	{File: "conventions.png", Title: "Row, column or per-example? The same gradient in three layouts",
		Caption: func(r *experiments.Results) string { return LayoutGradientsCaption(r.LayoutGrads) },
		Draw:    func(r *experiments.Results) ([]byte, error) { return LayoutGradients(r.LayoutGrads) }},
	{File: "batch-mean-vs-sum.png", Title: "Where does 1/m go? Sum against mean over the mini-batch",
		Caption: func(r *experiments.Results) string { return BatchCaption(r.Batches) },
		Draw: func(r *experiments.Results) ([]byte, error) {
			return one(func() (*plot.Plot, error) { return BatchMeanVsSum(r.Batches) })
		}},
	{File: "init-loss.png", Title: "Why doesn't it learn? The cost for each init",
		Caption: func(r *experiments.Results) string { return InitLossCaption(r.Inits) },
		Draw: func(r *experiments.Results) ([]byte, error) {
			return one(func() (*plot.Plot, error) { return InitLoss(r.Inits) })
		}},
	{File: "init-accuracy.png", Title: "The accuracy for each init",
		Caption: func(r *experiments.Results) string { return InitAccuracyCaption(r.Inits) },
		Draw: func(r *experiments.Results) ([]byte, error) {
			return one(func() (*plot.Plot, error) { return InitAccuracy(r.Inits) })
		}},
	{File: "gradient-norms.png", Title: "The gradient of each layer, for each init",
		Caption: func(r *experiments.Results) string { return GradientNormsCaption(r.Inits) },
		Draw: func(r *experiments.Results) ([]byte, error) {
			return one(func() (*plot.Plot, error) { return GradientNorms(r.Inits) })
		}},
	{File: "saturation.png", Title: "Saturated hidden units, for each init",
		Caption: func(r *experiments.Results) string { return SaturationCaption(r.Inits) },
		Draw: func(r *experiments.Results) ([]byte, error) {
			return one(func() (*plot.Plot, error) { return Saturation(r.Inits) })
		}},
	{File: "learning-rate.png", Title: "Too small, right, too large: the learning rate η",
		Caption: func(r *experiments.Results) string { return LearningRateCaption(r.Etas) },
		Draw: func(r *experiments.Results) ([]byte, error) {
			return one(func() (*plot.Plot, error) { return LearningRate(r.Etas) })
		}},
	{File: "curvature.png", Title: "Saddle point, local minimum or plateau? The curvature along training",
		Caption: func(r *experiments.Results) string { return CurvatureCaption(r.Tracks) },
		Draw:    func(r *experiments.Results) ([]byte, error) { return Curvature(r.Tracks) }},
	{File: "loss-surface.png", Title: "What a saddle, a plateau and a minimum look like",
		Caption: func(r *experiments.Results) string { return LossSurfaceCaption(r.Slices) },
		Draw:    func(r *experiments.Results) ([]byte, error) { return LossSurface(r.Slices) }},
	{File: "saddle-escape.png", Title: "Sitting on a saddle, and leaving it",
		Caption: func(r *experiments.Results) string { return SaddleEscapeCaption(r.Saddle) },
		Draw:    func(r *experiments.Results) ([]byte, error) { return SaddleEscape(r.Saddle) }},
}

// Sources names the report's sources at their first mention.
const Sources = `The questions are those of the Physics Forums thread "Derivative of Cost Function with Respect to ` +
	`Output Layer Weight" (a learner's derivation of ∂C/∂W for MNIST, and a network that would not learn), answered ` +
	`with the network and data of Michael Nielsen's book "Neural Networks and Deep Learning" ` +
	`(neuralnetworksanddeeplearning.com), chapter 1; the relative error is the one of the CS231n notes on gradient checking.`

// WriteReport draws every ReportFigure of r into dir (which must exist)
// and writes dir/index.html and dir/index.md, whose head states the
// settings and how long the report took (r.Seconds plus the drawing). It
// returns the paths written. tick, if not nil, is called after each figure.
func WriteReport(r *experiments.Results, dir string, tick func(file string)) ([]string, error) {
	start := time.Now()
	var paths []string
	for _, f := range ReportFigures {
		png, err := f.Draw(r)
		if err != nil {
			return paths, fmt.Errorf("%s: %v", f.File, err)
		}
		path := filepath.Join(dir, f.File)
		if err := WriteFile(path, png); err != nil {
			return paths, err
		}
		paths = append(paths, path)
		if tick != nil {
			tick(f.File)
		}
	}
	seconds := r.Seconds + time.Since(start).Seconds()
	md := filepath.Join(dir, "index.md")
	if err := outfile.WriteFile(md, []byte(indexMarkdown(r, seconds))); err != nil {
		return paths, err
	}
	htmlPath := filepath.Join(dir, "index.html")
	if err := outfile.WriteFile(htmlPath, []byte(indexHTML(r, seconds))); err != nil {
		return paths, err
	}
	return append(paths, md, htmlPath), nil
}

// settingsLines are the report's head: what ran, with which settings.
func settingsLines(r *experiments.Results, seconds float64) []string {
	s := r.Settings
	size := "all 50,000 training images"
	if s.TrainSize > 0 {
		size = fmt.Sprintf("the first %s training images (a subset: the full report uses all 50,000)", thousands(s.TrainSize))
	}
	name := s.Name
	if name == "quick" {
		name = "quick (fewer epochs and a training subset; `backproof report --full` reproduces chapter 1's 30 epochs on 50,000 images)"
	}
	sad := r.Saddle
	lines := []string{
		"Variant: " + name + ".",
		fmt.Sprintf("MNIST runs: Nielsen's [784, 30, 10] sigmoid net, quadratic cost averaged over mini-batches of 10, η = 3, N(0,1) init unless a figure varies it; %s on %s; accuracy on the 10,000 test images.", plural(s.Epochs, "epoch"), size),
		fmt.Sprintf("Seeds: %d for every MNIST run, problem and probe; %d for the XOR saddle.", s.Seed, sad.Settings.Seed),
		fmt.Sprintf("Curvature probes: Lanczos, 30 iterations, on the first %d training images; MNIST probes after epochs %v.", s.ProbeExamples, s.Checkpoints),
		fmt.Sprintf("The symmetric XOR point: %s, λmin = %.3g with ‖∇C‖ = %.2g (tolerance %g), λmax = %.3g; the nudged run escapes at step %d.",
			sad.Probe.Kind, sad.Probe.LambdaMin, sad.Probe.GradNorm, sad.Settings.GradTol, sad.Probe.LambdaMax, sad.Escape),
	}
	if p := r.Plateau; p != nil && p.Probe != nil {
		lines = append(lines, fmt.Sprintf("The U[0,1) start: %s; the whole net's ‖∇C‖ = %.2g, λmin = %.2g, λmax = %.2g.", p.Probe.Summary(), p.Probe.GradNorm, p.Probe.LambdaMin, p.Probe.LambdaMax))
	}
	if m := sad.Minimum; m != nil {
		lines = append(lines, fmt.Sprintf("Where the nudged XOR run ends: %s, ‖∇C‖ = %.2g, λmin = %.2g, λmax = %.2g.", m.Kind, m.GradNorm, m.LambdaMin, m.LambdaMax))
	}
	var accs []string
	for _, run := range r.Inits {
		if a := lastAccuracy(run.History); isFinite(a) {
			accs = append(accs, fmt.Sprintf("%s %.1f%%", InitName(run.History.Config.Init), a))
		}
	}
	if len(accs) > 0 {
		lines = append(lines, "Test accuracy after the last epoch, by init: "+strings.Join(accs, ", ")+".")
	}
	return append(lines, fmt.Sprintf("Time taken: %.0f s (experiments %.0f s, figures %.0f s).", seconds, r.Seconds, seconds-r.Seconds))
}

const reportTitle = "backproof report: the thread's questions answered in pictures"

func indexMarkdown(r *experiments.Results, seconds float64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n\n", reportTitle, Sources)
	for _, l := range settingsLines(r, seconds) {
		fmt.Fprintf(&b, "- %s\n", l)
	}
	b.WriteString("\nFigures:\n\n")
	for i, f := range ReportFigures {
		fmt.Fprintf(&b, "%d. [%s](#figure-%d)\n", i+1, f.Title, i+1)
	}
	for i, f := range ReportFigures {
		fmt.Fprintf(&b, "\n<a id=\"figure-%d\"></a>\n\n## %d. %s\n\n![%s](%s)\n\n%s\n", i+1, i+1, f.Title, f.Title, f.File, f.Caption(r))
	}
	return b.String()
}

func indexHTML(r *experiments.Results, seconds float64) string {
	var b strings.Builder
	e := html.EscapeString
	fmt.Fprintf(&b, `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>%s</title>
<style>
body { font-family: sans-serif; max-width: 62rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #222; }
figure { margin: 2rem 0; }
figure img { max-width: 100%%; height: auto; border: 1px solid #ddd; }
figcaption { margin-top: 0.5rem; }
.settings { background: #f6f6f6; padding: 0.5rem 1.5rem; }
</style>
</head>
<body>
<h1>%s</h1>
<p>%s</p>
<ul class="settings">
`, e(reportTitle), e(reportTitle), e(Sources))
	for _, l := range settingsLines(r, seconds) {
		fmt.Fprintf(&b, "<li>%s</li>\n", e(strings.ReplaceAll(l, "`", "")))
	}
	b.WriteString("</ul>\n<ol>\n")
	for i, f := range ReportFigures {
		fmt.Fprintf(&b, "<li><a href=\"#figure-%d\">%s</a></li>\n", i+1, e(f.Title))
	}
	b.WriteString("</ol>\n")
	for i, f := range ReportFigures {
		fmt.Fprintf(&b, "<figure id=\"figure-%d\">\n<h2>%d. %s</h2>\n<img src=\"%s\" alt=\"%s\">\n<figcaption>%s</figcaption>\n</figure>\n",
			i+1, i+1, e(f.Title), e(f.File), e(f.Title), e(f.Caption(r)))
	}
	b.WriteString("</body>\n</html>\n")
	return b.String()
}

// plural writes n things: "1 epoch", "4 epochs".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// thousands writes n with commas: 10,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

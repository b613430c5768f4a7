// Package report writes the folder of the report command: the figures
// that package plots draws from the experiments' results, and the pages
// index.html and index.md that set them in order with their captions.
package report

import (
	"fmt"
	"html"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/backproof/backproof/experiments"
	"github.com/backproof/backproof/outfile"
	"github.com/backproof/backproof/plots"
)

// Write draws every figure of plots.ReportFigures from r into dir (which
// must exist) and writes dir/index.html and dir/index.md, whose head
// states the settings and how long the report took (r.Seconds plus the
// drawing). It returns the paths written. tick, if not nil, is called
// after each figure.
func Write(r *experiments.Results, dir string, tick func(file string)) ([]string, error) {
	start := time.Now()
	var paths []string
	for _, f := range plots.ReportFigures {
		png, err := f.Draw(r)
		if err != nil {
			return paths, fmt.Errorf("%s: %v", f.File, err)
		}
		path := filepath.Join(dir, f.File)
		if err := plots.WriteFile(path, png); err != nil {
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
		size = fmt.Sprintf("the first %s training images (a subset: the full report uses all 50,000)", plots.Thousands(s.TrainSize))
	}
	name := s.Name
	if name == "quick" {
		name = "quick (fewer epochs and a training subset; `backproof report --full` reproduces chapter 1's 30 epochs on 50,000 images)"
	}
	sad := r.Saddle
	lines := []string{
		"Variant: " + name + ".",
		fmt.Sprintf("MNIST runs: Nielsen's [784, 30, 10] sigmoid net, quadratic cost averaged over mini-batches of 10, η = 3, N(0,1) init unless a figure varies it; %s on %s; accuracy on the 10,000 test images.", plots.Plural(s.Epochs, "epoch"), size),
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
		if a := plots.LastAccuracy(run.History); !math.IsNaN(a) && !math.IsInf(a, 0) {
			accs = append(accs, fmt.Sprintf("%s %.1f%%", plots.InitName(run.History.Config.Init), a))
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
	fmt.Fprintf(&b, "# %s\n\n%s\n\n", reportTitle, plots.Sources)
	for _, l := range settingsLines(r, seconds) {
		fmt.Fprintf(&b, "- %s\n", l)
	}
	b.WriteString("\nFigures:\n\n")
	for i, f := range plots.ReportFigures {
		fmt.Fprintf(&b, "%d. [%s](#figure-%d)\n", i+1, f.Title, i+1)
	}
	for i, f := range plots.ReportFigures {
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
`, e(reportTitle), e(reportTitle), e(plots.Sources))
	for _, l := range settingsLines(r, seconds) {
		fmt.Fprintf(&b, "<li>%s</li>\n", e(strings.ReplaceAll(l, "`", "")))
	}
	b.WriteString("</ul>\n<ol>\n")
	for i, f := range plots.ReportFigures {
		fmt.Fprintf(&b, "<li><a href=\"#figure-%d\">%s</a></li>\n", i+1, e(f.Title))
	}
	b.WriteString("</ol>\n")
	for i, f := range plots.ReportFigures {
		fmt.Fprintf(&b, "<figure id=\"figure-%d\">\n<h2>%d. %s</h2>\n<img src=\"%s\" alt=\"%s\">\n<figcaption>%s</figcaption>\n</figure>\n",
			i+1, i+1, e(f.Title), e(f.File), e(f.Title), e(f.Caption(r)))
	}
	b.WriteString("</body>\n</html>\n")
	return b.String()
}

package plots

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/curvature"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/experiments"
	"github.com/backproof/backproof/numgrad"
)

// Captions are templates filled from the results they describe: every
// number in a caption is computed from the figure's data, and every
// comparison or claim is written only when the data bear it out (each
// caption's test feeds it data that make the claim false). The helpers
// below write the numbers.

// num writes x with two significant digits, as a decimal from 1e-4 to
// 1e5 and with an unpadded exponent beyond: 0.0042, 250, 4.2e-9.
func num(x float64) string {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'e', 1, 64), 64)
	if a := math.Abs(r); a >= 1e-4 && a < 1e5 {
		return strconv.FormatFloat(r, 'f', -1, 64)
	}
	s := strconv.FormatFloat(r, 'e', -1, 64)
	i := strings.IndexByte(s, 'e')
	mant, exp := s[:i], s[i+1:]
	sign := ""
	if exp[0] == '-' {
		sign = "-"
	}
	return mant + "e" + sign + strings.TrimLeft(exp[1:], "0")
}

// about writes the power of ten nearest to x (in log10), so that "about
// 1e-10" is written only of an x within a factor √10 ≈ 3.2 of 1e-10.
func about(x float64) string {
	if !(x > 0) || math.IsInf(x, 0) {
		return num(x)
	}
	return num(math.Pow(10, math.Round(math.Log10(x))))
}

// pct writes a percentage with one decimal: "9.8%".
func pct(x float64) string { return fmt.Sprintf("%.1f%%", x) }

// list joins words as a sentence does: "a", "a and b", "a, b and c".
func list(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// span writes the range of xs: "3e-5 to 5e-5", or one number when the
// ends agree to the digits written.
func span(xs []float64) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		if isFinite(x) {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	if lo > hi {
		return "—"
	}
	if num(lo) == num(hi) {
		return num(lo)
	}
	return num(lo) + " to " + num(hi)
}

// runFacts are what the sweep captions read of a run.
type runFacts struct {
	name                string
	firstAcc, lastAcc   float64 // test accuracy in percent, before training and after the last epoch
	bestAcc             float64
	firstCost, lastCost float64
	grad1               []float64 // layer 1's gradient norm at each epoch
	firstSat, lastSat   float64   // layer 1's saturated share, percent
	minSat              float64
	classes             int // classes predicted after the last epoch
	diverged            bool
	chance              float64 // percent
}

func factsOf(r experiments.Run, name string) runFacts {
	h := r.History
	f := runFacts{name: name, firstAcc: math.NaN(), lastAcc: math.NaN(), bestAcc: math.NaN(), firstCost: math.NaN(), lastCost: math.NaN(),
		firstSat: math.NaN(), lastSat: math.NaN(), minSat: math.NaN(), diverged: h.Divergence != nil, chance: math.NaN()}
	if n := len(h.Config.Net); n >= 2 && h.Config.Net[n-1] > 1 {
		f.chance = 100 / float64(h.Config.Net[n-1])
	}
	for i := range h.Epochs {
		e := &h.Epochs[i]
		a, c, sat := testAccuracy(e), float64(e.TrainCost), 100*at(e.SaturatedByLayer, 0)
		if i == 0 {
			f.firstAcc, f.firstCost, f.firstSat = a, c, sat
		}
		f.lastAcc, f.lastCost, f.lastSat, f.classes = a, c, sat, e.DistinctPredictions
		if !(f.bestAcc >= a) {
			f.bestAcc = a
		}
		if !(f.minSat <= sat) {
			f.minSat = sat
		}
		f.grad1 = append(f.grad1, at(e.GradNorm, 0))
	}
	return f
}

func initFacts(runs []experiments.Run) []runFacts {
	var fs []runFacts
	for _, r := range runs {
		fs = append(fs, factsOf(r, InitName(r.History.Config.Init)))
	}
	return fs
}

// stuck says a run never got 5 points above chance; learned that it got
// 20 points above it.
func (f runFacts) stuck() bool   { return f.bestAcc < f.chance+5 }
func (f runFacts) learned() bool { return f.bestAcc > f.chance+20 }

func names(fs []runFacts, keep func(runFacts) bool) []string {
	var out []string
	for _, f := range fs {
		if keep(f) {
			out = append(out, f.name)
		}
	}
	return out
}

// sweepSetup names what every run of a sweep shares, from the first run.
func sweepSetup(runs []experiments.Run) string {
	if len(runs) == 0 {
		return ""
	}
	h := runs[0].History
	c := h.Config
	return fmt.Sprintf("Nielsen's %v sigmoid net, %v cost %s over mini-batches of %d, %s on %s",
		c.Net, c.Cost, map[bool]string{true: "averaged", false: "summed"}[c.Reduction.String() == "mean"], c.Batch,
		Plural(c.Epochs, "epoch"), h.Sets.Train)
}

// InitLossCaption is the caption of InitLoss, from its runs.
func InitLossCaption(runs []experiments.Run) string {
	fs := initFacts(runs)
	var b strings.Builder
	fmt.Fprintf(&b, "Training cost per example after each epoch (log10 scale) of %s, from %d inits: %s. ",
		sweepSetup(runs), len(fs), list(names(fs, func(runFacts) bool { return true })))
	var moves []string
	for _, f := range fs {
		moves = append(moves, fmt.Sprintf("%s from %s to %s", f.name, num(f.firstCost), num(f.lastCost)))
	}
	fmt.Fprintf(&b, "The cost goes %s. ", list(moves))
	for _, f := range fs {
		if f.stuck() && f.lastCost < 0.9*f.firstCost {
			fmt.Fprintf(&b, "%s's cost falls by %.0f%% while its test accuracy stays at %s: "+
				"a falling cost alone is not learning. ", f.name, 100*(1-f.lastCost/f.firstCost), pct(f.lastAcc))
		}
	}
	return strings.TrimSpace(b.String())
}

// InitAccuracyCaption is the caption of InitAccuracy, from its runs.
func InitAccuracyCaption(runs []experiments.Run) string {
	fs := initFacts(runs)
	var b strings.Builder
	fmt.Fprintf(&b, "Test accuracy after each epoch of %s, from %d inits (%s); the grey dashed line is chance, one class in %.0f. ",
		sweepSetup(runs), len(fs), list(names(fs, func(runFacts) bool { return true })), 100/fs[0].chance)
	for _, f := range fs {
		if !f.stuck() {
			continue
		}
		fmt.Fprintf(&b, "%s stays at chance: %s after the last epoch", f.name, pct(f.lastAcc))
		if f.classes == 1 {
			b.WriteString(", the same answer for every image")
		}
		b.WriteString(". ")
	}
	var ends []string
	for _, f := range fs {
		if f.learned() {
			ends = append(ends, fmt.Sprintf("%s %s", f.name, pct(f.lastAcc)))
		}
	}
	if len(ends) > 0 {
		fmt.Fprintf(&b, "The others leave chance in the first epoch and end at %s. ", list(ends))
	}
	if len(names(fs, runFacts.stuck)) > 0 && len(ends) > 0 {
		b.WriteString(`This is the thread's "the network does not learn" with a correct gradient: the same derivative from another start learns, so the mistake is the start, not the derivative.`)
	}
	return strings.TrimSpace(b.String())
}

// GradientNormsCaption is the caption of GradientNorms, from its runs.
func GradientNormsCaption(runs []experiments.Run) string {
	fs := initFacts(runs)
	var b strings.Builder
	b.WriteString("Norm of the training cost's gradient with respect to each layer's weights and biases after each epoch, " +
		"log10 scale, one colour per init (solid: layer 1, dashed: layer 2")
	zero := false
	for _, f := range fs {
		for _, g := range f.grad1 {
			zero = zero || g == 0
		}
	}
	if zero {
		b.WriteString("; an exact 0 is drawn at the bottom, labelled 0")
	}
	b.WriteString("). ")
	for _, f := range fs {
		if !f.stuck() {
			continue
		}
		_, hi := minMax(f.grad1)
		var others []float64
		for _, o := range fs {
			if o.learned() {
				others = append(others, o.grad1...)
			}
		}
		olo, ohi := minMax(others)
		fmt.Fprintf(&b, "Under %s layer 1's gradient is %s", f.name, span(f.grad1))
		if len(others) > 0 && hi > 0 && hi < olo {
			fmt.Fprintf(&b, ", %.0f decades below the inits that learn (%s): σ′(z) ≈ 0 in every hidden unit, so a step of η·‖∇‖ does not move layer 1 for any η used here",
				math.Floor(math.Log10(olo/hi)), span([]float64{olo, ohi}))
		}
		b.WriteString(". ")
	}
	return strings.TrimSpace(b.String())
}

// SaturationCaption is the caption of Saturation, from its runs.
func SaturationCaption(runs []experiments.Run) string {
	fs := initFacts(runs)
	var b strings.Builder
	b.WriteString("Percentage of layer 1's (unit, training image) pairs with |z| > 5, where σ′(z) is under 2.7% of its peak, after each epoch, one line per init. ")
	for _, f := range fs {
		switch {
		case f.stuck() && f.minSat >= 99.95:
			fmt.Fprintf(&b, "%s puts every hidden unit there for every image from the start (z is a sum of hundreds of positive terms) and keeps it there: "+
				"no unit passes an error signal back to layer 1, so layer 1 barely moves. ", f.name)
		case f.learned():
			fmt.Fprintf(&b, "%s goes from %s to %s while its accuracy reaches %s. ", f.name, pct(f.firstSat), pct(f.lastSat), pct(f.lastAcc))
		}
	}
	var partly []string
	for _, f := range fs {
		if f.learned() && f.lastSat > 50 {
			partly = append(partly, fmt.Sprintf("%s's %s", f.name, pct(f.lastSat)))
		}
	}
	if len(partly) > 0 && len(names(fs, func(f runFacts) bool { return f.stuck() && f.minSat >= 99.95 })) > 0 {
		fmt.Fprintf(&b, "Saturation is fatal only when it is total: at %s the other pairs still pass a gradient back, "+
			"so layer 1 keeps a gradient (the gradient norms show it) and keeps learning; a saturated unit is fine as long as "+
			"it is not saturated for every image.", list(partly))
	}
	return strings.TrimSpace(b.String())
}

// LearningRateCaption is the caption of LearningRate, from its runs.
func LearningRateCaption(runs []experiments.Run) string {
	if len(runs) == 0 {
		return ""
	}
	var fs []runFacts
	for _, r := range runs {
		fs = append(fs, factsOf(r, r.Label))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Test accuracy after each epoch for learning rates from %s to %s, %s, N(0,1) init; "+
		"the colours run from light (small η) to dark (large η). ", fs[0].name, fs[len(fs)-1].name, sweepSetup(runs))
	best := 0
	for i, f := range fs {
		if f.lastAcc > fs[best].lastAcc {
			best = i
		}
	}
	fmt.Fprintf(&b, "%s ends highest, at %s. ", fs[best].name, pct(fs[best].lastAcc))
	var slow, hot []string
	for i, f := range fs {
		if !(f.lastAcc < f.chance+5) {
			continue
		}
		if i < best {
			slow = append(slow, fmt.Sprintf("%s (%s; its cost goes from %s to %s)", f.name, pct(f.lastAcc), num(f.firstCost), num(f.lastCost)))
		} else {
			hot = append(hot, fmt.Sprintf("%s (%s, predicting %d of the %.0f classes at the end)", f.name, pct(f.lastAcc), f.classes, 100/f.chance))
		}
	}
	if len(slow)+len(hot) > 0 {
		b.WriteString("Within 5 points of chance after the last epoch, their lines overlapping: ")
		var parts []string
		if len(slow) > 0 {
			parts = append(parts, "too small, "+list(slow))
		}
		if len(hot) > 0 {
			parts = append(parts, "too large, "+list(hot))
		}
		b.WriteString(strings.Join(parts, "; ") + ". ")
	}
	if d := names(fs, func(f runFacts) bool { return f.diverged }); len(d) > 0 {
		fmt.Fprintf(&b, "%s diverged (a cross marks the NaN or ±Inf). ", list(d))
	}
	return strings.TrimSpace(b.String())
}

func minMax(xs []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		if isFinite(x) {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	return lo, hi
}

// BatchCaption is the caption of BatchMeanVsSum, from its runs (labelled
// "sum, m = …", "mean, m = …" and, when present, "sum at η/m, m = …").
func BatchCaption(runs []experiments.Run) string {
	if len(runs) == 0 {
		return ""
	}
	type point struct {
		m        int
		acc      float64
		steps    int
		diverged bool
	}
	by := map[string][]point{}
	var order []string
	eta := runs[0].History.Config.Eta
	for _, r := range runs {
		h := r.History
		kind := batchKind(r.Label)
		if _, ok := by[kind]; !ok {
			order = append(order, kind)
		}
		by[kind] = append(by[kind], point{m: h.Config.Batch, acc: LastAccuracy(h), steps: h.StepsPerEpoch, diverged: h.Divergence != nil})
	}
	var b strings.Builder
	h0 := runs[0].History
	fmt.Fprintf(&b, "Test accuracy after the last epoch against the mini-batch size m (Nielsen's %v sigmoid net, %v cost, %s on %s) "+
		"for the cost averaged over the batch (mean, C = (1/m)Σ_x C_x, Nielsen's η/m) and summed (sum, C = Σ_x C_x), both at η = %g",
		h0.Config.Net, h0.Config.Cost, Plural(h0.Config.Epochs, "epoch"), h0.Sets.Train, eta)
	if _, ok := by["sum at η/m"]; ok {
		b.WriteString(", and the sum at η/m (dotted), whose steps are the mean's at η")
	}
	b.WriteString(". ")
	mean, sum := by["mean"], by["sum"]
	if len(mean) >= 2 {
		first, last := mean[0], mean[len(mean)-1]
		fmt.Fprintf(&b, "The mean goes from %s at m = %d to %s at m = %d", pct(first.acc), first.m, pct(last.acc), last.m)
		if last.acc < first.acc && last.steps < first.steps {
			fmt.Fprintf(&b, ": the epochs are fixed, so a larger batch takes fewer steps (%s an epoch at m = %d, %s at m = %d)",
				Thousands(first.steps), first.m, Thousands(last.steps), last.m)
		}
		b.WriteString(". ")
	}
	if len(sum) > 0 && len(mean) == len(sum) {
		if sum[0].m == 1 && mean[0].m == 1 && math.Abs(sum[0].acc-mean[0].acc) < 0.05 {
			fmt.Fprintf(&b, "At m = 1 the two are the same run (%s). ", pct(sum[0].acc))
		}
		var worse []string
		for i := range sum {
			if sum[i].m > 1 && mean[i].m == sum[i].m && (sum[i].diverged || sum[i].acc < mean[i].acc-5) {
				worse = append(worse, fmt.Sprintf("m = %d (%s against %s)", sum[i].m, pct(sum[i].acc), pct(mean[i].acc)))
			}
		}
		if len(worse) > 0 {
			fmt.Fprintf(&b, "The sum at the same η takes steps m times larger and does worse at %s. ", list(worse))
		}
		if d := func() []string {
			var d []string
			for _, p := range sum {
				if p.diverged {
					d = append(d, fmt.Sprint(p.m))
				}
			}
			return d
		}(); len(d) > 0 {
			fmt.Fprintf(&b, "It diverged at m = %s (a cross). ", list(d))
		}
	}
	if scaled := by["sum at η/m"]; len(scaled) > 0 && len(scaled) == len(mean) {
		worst := 0.0
		for i := range scaled {
			worst = math.Max(worst, math.Abs(scaled[i].acc-mean[i].acc))
		}
		same := fmt.Sprintf("within %.2f points at every m", worst)
		if worst == 0 {
			same = "the same accuracy at every m"
		}
		if worst < 0.5 {
			fmt.Fprintf(&b, "The sum at η/m lies on the mean (%s): the same steps, so 1/m can go into the cost or into η, as the thread's post #31 says. ", same)
		} else {
			fmt.Fprintf(&b, "The sum at η/m differs from the mean by up to %.1f points. ", worst)
		}
	}
	b.WriteString("This is where the thread's 1/m goes: into the cost, and so into the step size.")
	return b.String()
}

// StepCaption is the caption of StepSize, from its curves.
func StepCaption(curves []experiments.StepCurve) string {
	type best struct {
		err, h float64
		inside bool // the best step is inside the sweep, not at an end
	}
	bests := map[numgrad.Method]best{}
	for _, c := range curves {
		k := 0
		for i, e := range c.Errors {
			if e < c.Errors[k] {
				k = i
			}
		}
		bests[c.Method] = best{c.Errors[k], c.Steps[k], k > 0 && k < len(c.Errors)-1}
	}
	var b strings.Builder
	b.WriteString("Error of each numerical method against the analytic gradient as the step h shrinks (log-log; the largest relative error over the entries at least 1e-3 of the largest). ")
	v := true
	for _, c := range curves {
		if c.Method != numgrad.ComplexStep {
			v = v && bests[c.Method].inside
		}
	}
	if v {
		b.WriteString("Each real difference falls, then rises again: on the right the truncation error falls as h^p (p = 1 for forward and backward, " +
			"2 for central, 4 for five-point and Richardson), on the left the rounding error ε·|C|/h grows, because two nearly equal costs are subtracted. ")
	}
	var parts []string
	for _, c := range curves {
		bt := bests[c.Method]
		parts = append(parts, fmt.Sprintf("%s %s (h = %s)", c.Method, num(bt.err), num(bt.h)))
	}
	fmt.Fprintf(&b, "The smallest errors here: %s. ", list(parts))
	for _, c := range curves {
		if c.Method == numgrad.Central {
			fmt.Fprintf(&b, "Central, backproof's default, is drawn on top; at its default step h = %s (dot) its error is %s. ",
				num(c.Method.DefaultStep()), num(c.DefaultError))
		}
	}
	for _, c := range curves {
		if c.Method != numgrad.ComplexStep {
			continue
		}
		// The largest step below which every error stays within 3 times
		// the best: the complex step's flat floor.
		bt := bests[c.Method]
		floor := math.NaN()
		for i := len(c.Steps) - 1; i >= 0 && c.Errors[i] <= 3*bt.err; i-- {
			floor = c.Steps[i]
		}
		if !math.IsNaN(floor) && floor > 1e3*c.Steps[len(c.Steps)-1] {
			fmt.Fprintf(&b, "The complex step subtracts nothing: its error stays within 3 times %s for every h ≤ %s, down to %s. ",
				num(bt.err), num(floor), num(c.Steps[len(c.Steps)-1]))
		}
	}
	var claims []string
	if c, ok := bests[numgrad.Central]; ok {
		claims = append(claims, "central differences to about "+about(c.err))
	}
	f, fok := bests[numgrad.FivePoint]
	r, rok := bests[numgrad.Richardson]
	if fok && rok {
		claims = append(claims, "five-point and Richardson to about "+about(math.Min(f.err, r.err)))
	}
	if c, ok := bests[numgrad.ComplexStep]; ok {
		claims = append(claims, "the complex step to about "+about(c.err))
	}
	if len(claims) > 0 {
		fmt.Fprintf(&b, "On this problem: %s, each at its best step.", list(claims))
	}
	return strings.TrimSpace(b.String())
}

// GradcheckCaption is the caption of Gradcheck, from its rows.
func GradcheckCaption(g *experiments.Gradcheck) string {
	var b strings.Builder
	floor := 0.0
	if len(g.Rows) > 0 {
		floor = g.Rows[0].Floor
	}
	fmt.Fprintf(&b, "Each entry of ∂C/∂W for both layers, coloured by its relative error |analytic − numeric| / max(|analytic|, |numeric|) "+
		"against central differences (log10 scale; below 1e-12 drawn as 1e-12): pale agrees, black is wrong in the first digit. "+
		"An entry whose absolute error is within the noise floor (%s) is grey: its relative error says nothing. ", num(floor))
	for _, row := range g.Rows {
		errs := rowHead(&b, row)
		switch {
		case row.Code == "":
			if _, hi := minMax(errs); hi <= agreeTol {
				b.WriteString(" — finite-difference noise")
			}
		case row.Code == compare.MissingOneOverM:
			if lo, hi, ok := uniformError(row); ok {
				m := float64(g.Problem.Batch())
				if math.Abs(lo-(m-1)/m) < 1e-3 && math.Abs(hi-(m-1)/m) < 1e-3 {
					fmt.Fprintf(&b, " — one colour: every entry off by (m−1)/m = %s, the mean cost's gradient summed instead of averaged, the thread's question of where 1/m goes", num((m-1)/m))
				}
			}
		case row.Code == compare.Transposed:
			if d, o, ok := diagonalSplit(row); ok && d*100 < o {
				fmt.Fprintf(&b, " — the diagonal agrees (errors up to %s) and the entries off it do not (from %s): δᵀA in place of Aᵀδ, which fits W's shape only for a square layer", num(d), num(o))
			}
		}
		b.WriteString(". ")
	}
	return strings.TrimSpace(b.String())
}

// rowHead writes a heat map row's opening, its largest judged error per
// layer and each layer's status, and returns those errors for the
// sentence that follows. The first figure and the regularization figure
// open their rows alike.
func rowHead(b *strings.Builder, row experiments.GradcheckRow) []float64 {
	var errs []float64
	var status []string
	for ℓ := range row.RelError {
		errs = append(errs, judgedMax(row, ℓ))
		status = append(status, fmt.Sprintf("W%s %s", sup(ℓ+1), gradcheckStatus(row, ℓ)))
	}
	fmt.Fprintf(b, "%s: largest errors %s; %s", strings.ToUpper(row.Name[:1])+row.Name[1:], span(errs), strings.Join(status, ", "))
	return errs
}

// uniformError is the smallest and largest judged relative error over
// every layer of row.
func uniformError(row experiments.GradcheckRow) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for ℓ, re := range row.RelError {
		nr, nc := re.Dims()
		for a := range nr {
			for c := range nc {
				if !noise(row, ℓ, a, c) {
					lo, hi, ok = math.Min(lo, re.At(a, c)), math.Max(hi, re.At(a, c)), true
				}
			}
		}
	}
	return lo, hi, ok
}

// diagonalSplit is the largest judged error on the diagonals of row's
// square layers and the smallest off them.
func diagonalSplit(row experiments.GradcheckRow) (diag, off float64, ok bool) {
	off = math.Inf(1)
	for ℓ, re := range row.RelError {
		nr, nc := re.Dims()
		if nr != nc {
			return 0, 0, false
		}
		for a := range nr {
			for c := range nc {
				if noise(row, ℓ, a, c) {
					continue
				}
				if a == c {
					diag = math.Max(diag, re.At(a, c))
				} else {
					off = math.Min(off, re.At(a, c))
				}
			}
		}
	}
	return diag, off, true
}

// LayoutGradientsCaption is the caption of LayoutGradients, from its
// gradients: whether the row panels are the column ones transposed and the
// per-example ones the column ones is measured, not assumed.
func LayoutGradientsCaption(g *experiments.LayoutGradients) string {
	idx := map[derive.Convention]int{}
	for c, conv := range g.Conventions {
		idx[conv] = c
	}
	var b strings.Builder
	b.WriteString("One network's ∂C/∂W for each layer (rows of panels), as each convention lays it out (columns): " +
		"every entry coloured by its value divided by the largest |entry| of its layer, so that one colour is one number in every panel. " +
		"The row convention of the thread's opening post stores W as n_{ℓ−1}×n_ℓ (Ω, j×k) and computes ∂C/∂W = (A^{ℓ−1})ᵀ δ; " +
		"the column convention and the per-example loop of Nielsen's network.py store it as n_ℓ×n_{ℓ−1} and compute δ (A^{ℓ−1})ᵀ. ")
	r, rok := idx[derive.Row]
	c, cok := idx[derive.Column]
	p, pok := idx[derive.PerExample]
	if !rok || !cok || !pok {
		return strings.TrimSpace(b.String())
	}
	var transposed, same, scale float64
	for ℓ := range g.DW[c] {
		col := g.DW[c][ℓ]
		nr, nc := col.Dims()
		for i := range nr {
			for j := range nc {
				scale = math.Max(scale, math.Abs(col.At(i, j)))
				transposed = math.Max(transposed, math.Abs(g.DW[r][ℓ].At(j, i)-col.At(i, j)))
				same = math.Max(same, math.Abs(g.DW[p][ℓ].At(i, j)-col.At(i, j)))
			}
		}
	}
	diff := func(d float64) string {
		if d == 0 {
			return "equal to the bit"
		}
		return "the largest difference " + num(d) + ", float64 rounding"
	}
	if transposed <= 1e-12*scale && same <= 1e-12*scale {
		fmt.Fprintf(&b, "The row panel is the column panel mirrored across its diagonal (%s), and the column and per-example panels are identical (%s): "+
			"the same gradient in two shapes, which is all the difference between the thread's formulas and Nielsen's. "+
			"A shape alone never decides which formula is right: say which layout you use.", diff(transposed), diff(same))
	} else {
		fmt.Fprintf(&b, "The row panel transposed differs from the column panel by up to %s, and the per-example panel from the column one by up to %s.", num(transposed), num(same))
	}
	return b.String()
}

// ConventionsCaption is the caption of Conventions, from its differences.
func ConventionsCaption(l *experiments.Layouts) string {
	var b strings.Builder
	b.WriteString("One network's gradient computed in the three layouts the thread mixes: " +
		"row (numpy learners and the opening post: X is m×n₀, ∂C/∂W = Aᵀδ is n_{ℓ−1}×n_ℓ), " +
		"column (vectorized, Ng-style: X is n₀×m, ∂C/∂W = δAᵀ is n_ℓ×n_{ℓ−1}) and per-example (Nielsen's network.py: δaᵀ summed over the mini-batch). " +
		"Each bar is the largest |difference| between two layouts' ∂C/∂W (row transposed first); an exact 0 has no bar. ")
	var all []float64
	for k := range l.Pairs {
		all = append(all, l.MaxDiff[k]...)
		all = append(all, l.BiasDiff[k])
	}
	if _, hi := minMax(all); hi <= 1e-13 {
		fmt.Fprintf(&b, "Every difference is at most %s, float64 rounding: the shapes differ, the numbers do not.", num(hi))
	}
	return b.String()
}

// CurvatureCaption is the caption of Curvature, from its tracks.
func CurvatureCaption(tracks []*experiments.Track) string {
	var b strings.Builder
	fmt.Fprintf(&b, `The thread ends on "there's definitely a saddle point or a local minimum". The curvature probe answers it along %d runs: `+
		"the gradient norm ‖∇C‖ (black) and the Hessian's extreme eigenvalues from Lanczos iterations, |λmax| (red, %s) and λmin "+
		"(blue: −λmin as %s where λmin < 0, λmin as %s where it is ≥ 0), log10 scale, for the whole net and, beside it, "+
		"for each layer that is flat at some probe. The panels of the MNIST runs share one y axis. ",
		len(tracks), markMaxLambda, markNegLambda, markPosLambda)
	fmt.Fprintf(&b, "The whole net and each layer are classified by one rule: flat when ‖∇‖ and every |λ| ≤ %s (dotted line), "+
		"a slope when ‖∇‖ > %s, a saddle when λmin < −%s·|λmax| and < −%s, a minimum otherwise. ",
		num(curvature.DefaultFlatTol), num(curvature.DefaultGradTol), num(curvature.DefaultNegTol), num(curvature.DefaultFlatTol))
	for _, p := range curvaturePanels(tracks) {
		vs := p.views()
		if len(vs) == 0 {
			continue
		}
		var gs, negs []float64
		for _, v := range vs {
			gs = append(gs, v.g)
			if v.lmin < 0 {
				negs = append(negs, -v.lmin)
			}
		}
		fmt.Fprintf(&b, "%s, %s: %s; ‖∇‖ %s", p.track.Name, p.what(), kindRuns(p.track, vs), span(gs))
		if len(negs) > 0 {
			fmt.Fprintf(&b, ", −λmin %s", span(negs))
		}
		b.WriteString(". ")
	}
	// The plateau, when the data show one: a track whose whole net is not
	// flat while one of its layers is flat at every probe.
	for _, tr := range tracks {
		for _, p := range curvaturePanels([]*experiments.Track{tr}) {
			if p.block < 0 {
				continue
			}
			vs := p.views()
			allFlat := len(vs) > 0
			for _, v := range vs {
				allFlat = allFlat && v.kind == curvature.Flat
			}
			whole := curvaturePanel{tr, -1}.views()
			if !allFlat || len(whole) == 0 || whole[len(whole)-1].kind == curvature.Flat {
				continue
			}
			lastProbe := tr.Probes[len(tr.Probes)-1]
			var others []string
			for k, bl := range lastProbe.Blocks {
				if k != p.block {
					others = append(others, fmt.Sprintf("%s is a %s", bl.Name, bl.Kind))
				}
			}
			fmt.Fprintf(&b, "So for %s the answer is neither a saddle nor a minimum for %s: it is flat at every probe, a plateau "+
				"that gradient descent cannot leave, while the whole net is a %s", tr.Name, strings.TrimSuffix(p.what(), " alone"), whole[len(whole)-1].kind)
			if len(others) > 0 {
				fmt.Fprintf(&b, " (at the last probe %s)", list(others))
			}
			b.WriteString(". ")
		}
	}
	return strings.TrimSpace(b.String())
}

// kindRuns writes a panel's kinds along its track: "saddle at steps 0–3200,
// minimum at steps 3600–8000".
func kindRuns(tr *experiments.Track, vs []probeView) string {
	var parts []string
	for i := 0; i < len(vs); {
		j := i
		for j+1 < len(vs) && vs[j+1].kind == vs[i].kind {
			j++
		}
		unit := tr.Unit
		where := fmt.Sprintf("%s %g", unit, tr.At[i])
		if j > i {
			where = fmt.Sprintf("%ss %g–%g", unit, tr.At[i], tr.At[j])
		}
		parts = append(parts, vs[i].kind.String()+" at "+where)
		i = j + 1
	}
	return strings.Join(parts, ", then ")
}

// LossSurfaceCaption is the caption of LossSurface, from its slices.
func LossSurfaceCaption(slices []experiments.Slice) string {
	var b strings.Builder
	fmt.Fprintf(&b, "The cost around %d points, in the plane of the Hessian's extreme eigenvectors: "+
		"ΔC = C(θ + a·v_min + b·v_max) − C(θ), coloured from blue (lower than at θ) to red (higher), each panel scaled to its "+
		"own largest |ΔC| (in its title), in bands of a tenth of it whose edges are contour lines. Each axis spans ±√(2·%g/|λ|), "+
		"capped at 3, so that a quadratic would change by %g at the edge. ", len(slices), experiments.SliceRise, experiments.SliceRise)
	for _, s := range slices {
		n := len(s.A)
		if n == 0 || len(s.B) == 0 {
			continue
		}
		i0, j0 := n/2, len(s.B)/2
		var alongA, alongB []float64
		for i := range s.A {
			alongA = append(alongA, s.Delta[i][j0])
		}
		for j := range s.B {
			alongB = append(alongB, s.Delta[i0][j])
		}
		aLo, aHi := minMax(alongA)
		bLo, bHi := minMax(alongB)
		allLo, _ := minMax(flatten(s.Delta))
		kinds := s.Summary
		if kinds == "" {
			kinds = s.Kind.String()
		}
		fmt.Fprintf(&b, "%s (%s): along v_min ΔC runs from %s to %s over ±%s, along v_max from %s to %s over ±%s",
			s.Name, kinds, num(aLo), num(aHi), num(s.A[n-1]), num(bLo), num(bHi), num(s.B[len(s.B)-1]))
		switch {
		case math.Max(math.Abs(bLo), math.Abs(bHi)) < 1e-6*math.Max(math.Abs(aLo), math.Abs(aHi)):
			fmt.Fprintf(&b, ": along v_max (λmax = %s) the cost does not change at all, so the bands are vertical; only along v_min does it move", num(s.LambdaMax))
		case aLo < 0 && bLo >= 0 && bHi > 0 && aHi <= 1e-3*bHi:
			b.WriteString(": it falls one way and rises the other, a pass between two valleys")
		case allLo >= 0 && aHi > 0 && bHi > 0:
			b.WriteString(": it rises in every direction, a bowl")
		}
		b.WriteString(". ")
	}
	return strings.TrimSpace(b.String())
}

func flatten(m [][]float64) []float64 {
	var out []float64
	for _, r := range m {
		out = append(out, r...)
	}
	return out
}

// SaddleEscapeCaption is the caption of SaddleEscape, from the experiment.
func SaddleEscapeCaption(s *experiments.Saddle) string {
	st := s.Settings
	last := func(xs []float64) float64 {
		if len(xs) == 0 {
			return math.NaN()
		}
		return xs[len(xs)-1]
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Full-batch gradient descent (η = %g) on XOR with a [2, %d, 2] sigmoid net. ", st.Eta, st.Hidden)
	sym := s.Symmetric
	if _, hi := minMax(sym.Asymmetry); hi == 0 && s.Probe != nil {
		fmt.Fprintf(&b, "Started with its hidden units identical, the net stays symmetric for all %d steps (their gradients are identical too) and ends at cost %s, "+
			"classifying %s of the examples, with ‖∇C‖ = %s and λmin = %s < 0: a saddle. ",
			st.Steps, num(last(sym.Cost)), pct(100*last(sym.Accuracy)), num(s.Probe.GradNorm), num(s.Probe.LambdaMin))
	}
	nud := s.Nudged
	if s.Escape >= 0 && len(nud.Asymmetry) > 0 && len(nud.Cost) == len(nud.Asymmetry) {
		fmt.Fprintf(&b, "The same start nudged by %s ", num(st.Perturb))
		// Near the saddle while the asymmetry grows: the first recorded
		// step where it reaches 0.01, if the cost is still within 1% of
		// the saddle's there.
		saddleCost := last(sym.Cost)
		for i, a := range nud.Asymmetry {
			if a >= 0.01 {
				if math.Abs(nud.Cost[i]-saddleCost) <= 0.01*saddleCost {
					fmt.Fprintf(&b, "stays within 1%% of the saddle's cost while its asymmetry grows from %s to %s (step %d), then ",
						num(nud.Asymmetry[0]), num(a), nud.Steps[i])
				}
				break
			}
		}
		fmt.Fprintf(&b, "escapes: its cost is below halfway from the saddle's to its final %s by step %d (dotted line), and it ends classifying %s. ",
			num(last(nud.Cost)), s.Escape, pct(100*last(nud.Accuracy)))
	}
	rnd := s.Random
	if len(rnd.Cost) > 0 {
		fmt.Fprintf(&b, "A random start, off the saddle, goes from cost %s to %s and ends classifying %s. ", num(rnd.Cost[0]), num(last(rnd.Cost)), pct(100*last(rnd.Accuracy)))
	}
	if s.Escape >= 0 {
		b.WriteString("A long flat stretch in a loss curve can be a saddle being left slowly, not a minimum.")
	}
	return strings.TrimSpace(b.String())
}

package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/outfile"
	"github.com/backproof/backproof/plots"
	"github.com/backproof/backproof/train"
	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func init() { commands = append(commands, trainCommand) }

// trainFlags are the flags of train and curvature.
type trainFlags struct {
	modelFlags
	net                                sizesValue
	data, mnist                        string
	pixels                             data.Pixels
	plots                              string // train --plots: the folder for the figures
	eta, gradTol, lambda, keep         float64
	batch, epochs, trainSize, examples int
	maxTime                            time.Duration
	seed                               uint64
	asJSON, curvature                  bool
	force                              bool // train --force: --plots may hold other files
}

// Synthetic sets: the training set has --train-size examples (default
// syntheticTrain); validation and test syntheticHeld each, drawn with it.
const (
	syntheticTrain = 1000
	syntheticHeld  = 500
)

func addTrainFlags(cmd *cobra.Command, f *trainFlags, epochs int) {
	fs := cmd.Flags()
	fs.StringVar(&f.data, "data", "mnist", "data set: mnist, or a synthetic set ("+strings.Join(data.SyntheticNames(), ", ")+")")
	fs.Var(&f.net, "net", "layer sizes n0,n1,…,nL (default inputs,30,classes: 784,30,10 for mnist)")
	addModelFlags(fs, &f.modelFlags, "reduction of the mini-batch cost: mean (η/m, as Nielsen's book) or sum (η, as the Physics Forums thread's learner)")
	fs.Float64Var(&f.eta, "eta", train.DefaultEta, "learning rate η")
	fs.IntVar(&f.batch, "batch", train.DefaultBatch, "mini-batch size m")
	fs.IntVar(&f.epochs, "epochs", epochs, "epochs (0: measure the starting point only)")
	fs.DurationVar(&f.maxTime, "max-time", 0, "stop after this wall time, such as 90s or 10m (0: no limit)")
	fs.Float64Var(&f.gradTol, "grad-tol", 0, "stop as converged when ‖∇C‖ over the whole training set is at most this (0: never)")
	fs.Float64Var(&f.lambda, "lambda", 0, "L2 regularisation λ: (λ/n)·W added to each weight gradient, as in Nielsen's network2")
	fs.Float64Var(&f.keep, "keep-prob", 0, "inverted dropout on every hidden layer while training, each unit kept with probability p (Nielsen's chapter 3 uses p = 0.5; default: none)")
	fs.IntVar(&f.trainSize, "train-size", 0, fmt.Sprintf("train on the first N training examples (default: all 50000 of mnist, %d for a synthetic set)", syntheticTrain))
	fs.Var(textValue{&f.pixels, "pixels"}, "pixels", "mnist pixels: unit (pixel/255, as Nielsen's book) or raw (0–255, the Physics Forums thread's first attempt)")
	fs.StringVar(&f.mnist, "mnist", "", "folder with the MNIST .gz files, with --data mnist (default: $"+data.EnvMNIST+", else the GoMNIST module)")
	addSeedFlag(fs, &f.seed, "random seed: initial parameters, example order, synthetic data, Lanczos")
	fs.BoolVar(&f.asJSON, "json", false, "print one JSON object at the end (the contract in docs/contracts.md)")
}

func trainCommand() *cobra.Command {
	var f trainFlags
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a network by mini-batch SGD and report every epoch",
		Long: `train runs the mini-batch stochastic gradient descent of Michael Nielsen's
"Neural Networks and Deep Learning" (network.py, chapter 1) on MNIST or a
synthetic set, in the row, column or per-example convention, and reports per
epoch: the cost and accuracy on the training, validation and test sets, the
norm of the training-cost gradient per layer, the fraction of saturated
units (` + saturationHelp() + `), the largest |z| per layer, and how
many classes the net predicts at all. Inside the first epoch it samples the
validation cost and accuracy after steps 1, 2, 5, 10, … so an early plateau
shows. Epoch 0 is the untrained net; "seconds" is each epoch's training time
alone. Costs are per example, whatever the reduction.

Training stops after --epochs, after --max-time, when the gradient norm falls
to --grad-tol (converged), or at the first step where the cost or a parameter
becomes NaN or ±Inf (diverged: the epoch, step and likely cause are printed
with the history so far). With --curvature the Hessian of the training cost
is probed before and after training (see backproof curvature).

--plots DIR draws the run as PNG figures in DIR, creating it: cost.png,
accuracy.png, grad-norm.png (per layer, log scale: a layer near 1e-13 is on
a plateau), saturation.png and first-epoch.png (inside epoch 1, by step),
and lists them with captions that say what each shows and what to conclude.
A run that diverges is drawn up to its last epoch. The figures appear together
once drawn, replacing those of an earlier run; DIR must be missing, empty, or
figures backproof drew (listed in its .backproof-plots file), unless --force.

Exit status: 0 trained; 1 diverged; 2 bad input (a flag, or a data file) or
output that cannot be written; 3 internal error (a bug: please report it).`,
		Example: `  backproof train --epochs 30                      # Nielsen's book, ch. 1: 784,30,10, η 3, batch 10
  backproof train --init uniform01 --epochs 5       # the Physics Forums thread's init: every input gives the same output
  backproof train --init uniform01 --epochs 3 --train-size 5000 --plots plateau   # its figures
  backproof train --data xor --net 2,4,2 --eta 1 --epochs 200 --json
  backproof train --reduction sum --batch 100 --pixels raw --epochs 1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTrain(cmd, &f, false)
		},
	}
	addTrainFlags(cmd, &f, train.DefaultEpochs)
	cmd.Flags().BoolVar(&f.curvature, "curvature", false, "probe the Hessian's extreme eigenvalues before and after training")
	cmd.Flags().StringVar(&f.plots, "plots", "", "draw the run's figures (cost, accuracy, gradient norm and saturation per layer, first epoch) as PNG files in this folder, creating it")
	cmd.Flags().BoolVar(&f.force, "force", false, "write the figures into --plots even though it holds files backproof did not write (files of the figures' names are replaced, others kept)")
	return cmd
}

// config turns the flags into a train.Config, naming the flag that is
// wrong. Names (--act, --cost, …) were parsed by their flag values already;
// what is left are numbers, and flags that would be silently ignored.
func (f *trainFlags) config(cmd *cobra.Command) (train.Config, error) {
	cfg := train.Config{Data: f.data, Net: f.net, Act: f.acts, Cost: f.cost, Reduction: f.reduction,
		Convention: f.convention, Init: f.init, Eta: f.eta, Batch: f.batch, Epochs: f.epochs,
		MaxTime: f.maxTime, GradTol: f.gradTol, Lambda: f.lambda, Keep: f.keep, TrainSize: f.trainSize,
		Seed: f.seed, Curvature: f.curvature, CurvatureExamples: f.examples, MaxMemory: f.maxMemory}
	if f.data != "mnist" {
		for _, flag := range []string{"mnist", "pixels"} {
			if cmd.Flags().Changed(flag) {
				return cfg, fmt.Errorf("--%s applies to --data mnist only, not to --data %s: drop --%s", flag, f.data, flag)
			}
		}
	}
	if len(f.net) > 0 {
		// The layers are known before any data is read: an impossible
		// activation list fails now, not after loading MNIST.
		if _, err := f.acts.Layers(len(f.net) - 1); err != nil {
			return cfg, fmt.Errorf("--act: %v", err)
		}
	}
	switch {
	case !(f.eta > 0) || math.IsInf(f.eta, 0):
		return cfg, fmt.Errorf("--eta %g: the learning rate must be positive", f.eta)
	case f.batch < 1:
		return cfg, fmt.Errorf("--batch %d: the mini-batch size must be at least 1", f.batch)
	case f.epochs < 0:
		return cfg, fmt.Errorf("--epochs %d: want 0 or more", f.epochs)
	case f.maxTime < 0:
		return cfg, fmt.Errorf("--max-time %v: want a duration ≥ 0", f.maxTime)
	case !(f.gradTol >= 0):
		return cfg, fmt.Errorf("--grad-tol %g: want a tolerance ≥ 0", f.gradTol)
	case !(f.lambda >= 0) || math.IsInf(f.lambda, 0):
		return cfg, fmt.Errorf("--lambda %g: want λ ≥ 0", f.lambda)
	case !(f.keep >= 0 && f.keep <= 1):
		return cfg, fmt.Errorf("--keep-prob %g: want a keep probability 0 < p ≤ 1", f.keep)
	case f.trainSize < 0:
		return cfg, fmt.Errorf("--train-size %d: want a positive number of examples", f.trainSize)
	case f.examples < 0:
		return cfg, fmt.Errorf("--examples %d: want a positive number of examples", f.examples)
	}
	if f.epochs == 0 {
		cfg.Epochs = train.NoTraining
	}
	return cfg, nil
}

// loadData returns the training, validation and test sets the flags name.
func (f *trainFlags) loadData(cfg *train.Config) (tr, va, te *data.Set, err error) {
	if f.data == "mnist" {
		cfg.Pixels = f.pixels.String()
		tr, va, te, err = data.LoadMNISTWithin(f.mnist, f.pixels, f.maxMemory)
		if err != nil {
			return nil, nil, nil, err
		}
		if f.trainSize > tr.Len() {
			return nil, nil, nil, fmt.Errorf("--train-size %d: mnist has %d training examples", f.trainSize, tr.Len())
		}
		return tr, va, te, nil
	}
	n := f.trainSize
	if n == 0 {
		n = syntheticTrain
	}
	tr, va, te, err = data.SyntheticSplit(f.data, n, syntheticHeld, f.seed, f.maxMemory)
	if errors.Is(err, budget.ErrTooLarge) {
		return nil, nil, nil, fmt.Errorf("--train-size %d: %w", n, err)
	}
	if err != nil {
		return nil, nil, nil, fmt.Errorf("--data: %v (or mnist)", err)
	}
	cfg.TrainSize = n
	return tr, va, te, nil
}

// runTrain trains as the flags say and prints the history: as a table (and
// a progress bar on a terminal), or as one JSON object.
func runTrain(cmd *cobra.Command, f *trainFlags, probeOnly bool) error {
	cfg, err := f.config(cmd)
	if err != nil {
		return badInput(err)
	}
	// The figures' folder is checked and staged before the data is read
	// and the net trained, so that a bad folder costs no time; it takes
	// its place once the figures are drawn (reserveFolder).
	tx := outfile.Begin()
	defer tx.Abort()
	var folder *outfile.Folder
	if f.force && f.plots == "" {
		return badInput(errors.New("--force lets --plots write into a folder that holds other files; without --plots it does nothing"))
	}
	if f.plots != "" {
		var paths files
		paths.input("--mnist", f.mnist)
		paths.outputFolder("--plots", f.plots)
		if err := paths.check(); err != nil {
			return badInput(err)
		}
		if folder, err = reserveFolder(tx, "--plots", f.plots, plotsFolder, f.force); err != nil {
			return err
		}
	}
	tr, va, te, err := f.loadData(&cfg)
	if err != nil {
		return badInput(err)
	}
	out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
	var p *train.TextWriter
	if !f.asJSON {
		p = train.NewTextWriter(out)
		p.Probe = probeOnly
	}
	progress := newTrainProgress(errw, f.asJSON, p)
	h, err := train.Run(cfg, tr, va, te, progress.update)
	progress.finish()
	if err != nil {
		return badInput(err)
	}
	if f.asJSON {
		b, err := json.Marshal(h)
		if err != nil {
			return internal(fmt.Errorf("encoding the training record: %v", err))
		}
		fmt.Fprintln(out, string(b))
	} else {
		p.Finish(h)
	}
	if folder != nil {
		staged, err := plots.History(h, folder.Path())
		if err != nil {
			return badInput(fmt.Errorf("--plots %s: %v", f.plots, err))
		}
		if err := commit(tx); err != nil {
			return err
		}
		paths := make([]string, len(staged))
		for i, p := range staged {
			paths[i] = filepath.Join(f.plots, filepath.Base(p))
		}
		printFigures(out, errw, f.asJSON, paths)
	}
	if d := h.Divergence; d != nil {
		return mismatch(fmt.Errorf("training diverged at epoch %d, step %d: %s. Likely cause: %s", d.Epoch, d.Step, d.What, d.Cause))
	}
	return nil
}

// printFigures lists the figures written, each with its title and caption
// (plots.HistoryFigures): after the table, or as one line on stderr when
// stdout holds the JSON record alone.
func printFigures(out, errw io.Writer, asJSON bool, paths []string) {
	if asJSON {
		fmt.Fprintf(errw, "figures: %s\n", strings.Join(paths, " "))
		return
	}
	fmt.Fprintln(out, "\nfigures:")
	for i, p := range paths {
		fig := plots.HistoryFigures[i]
		fmt.Fprintf(out, "  %s  %s\n", p, fig.Title)
		for _, line := range wrap(fig.Caption, 76) {
			fmt.Fprintf(out, "    %s\n", line)
		}
	}
}

// wrap breaks s into lines of at most width characters, between words.
func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// pathErr is the reason inside a file-system error, whose path the caller
// names already.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// trainProgress draws a bar on stderr when it is a terminal and --json is off,
// and passes finished epochs to the table printer.
type trainProgress struct {
	bar *progressbar.ProgressBar
	p   *train.TextWriter
}

func newTrainProgress(stderr io.Writer, asJSON bool, p *train.TextWriter) *trainProgress {
	pr := &trainProgress{p: p}
	if file, ok := stderr.(*os.File); ok && !asJSON && term.IsTerminal(int(file.Fd())) {
		pr.bar = progressbar.NewOptions(1, progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetPredictTime(true), progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30), progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(100*time.Millisecond))
	}
	return pr
}

func (pr *trainProgress) update(u train.Progress) {
	if u.Done != nil && pr.p != nil {
		if pr.bar != nil {
			pr.bar.Clear()
		}
		pr.p.Progress(u)
		// An epoch is recorded when its measuring ends, which may be
		// while the next one trains: the bar follows the steps only.
		return
	}
	if pr.bar == nil || u.Epochs == 0 {
		return
	}
	total := u.Epochs * u.Steps
	if pr.bar.GetMax() != total {
		pr.bar.ChangeMax(total)
	}
	acc := "—"
	if !math.IsNaN(u.Accuracy) {
		acc = fmt.Sprintf("%.2f%%", 100*u.Accuracy)
	}
	pr.bar.Describe(fmt.Sprintf("epoch %d/%d step %d/%d accuracy %s", max(u.Epoch, 1), u.Epochs, u.Step, u.Steps, acc))
	pr.bar.Set(max(u.Epoch-1, 0)*u.Steps + u.Step)
}

func (pr *trainProgress) finish() {
	if pr.bar != nil {
		pr.bar.Clear()
	}
}

// saturationHelp is each saturating activation's threshold at the default
// --saturation: "sigmoid |z| > 5, tanh |z| > 2.5".
func saturationHelp() string {
	var parts []string
	for _, a := range derive.Activations {
		if th := a.Saturation(train.DefaultSaturation); th > 0 {
			parts = append(parts, fmt.Sprintf("%v |z| > %g", a, th))
		}
	}
	return strings.Join(parts, ", ")
}

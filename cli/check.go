package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/budget"
	"github.com/backproof/backproof/compare"
	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/experiments"
	"github.com/backproof/backproof/gradfile"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/outfile"
	"github.com/backproof/backproof/plots"
	"github.com/backproof/backproof/problem"
	"github.com/backproof/backproof/render"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, checkCommand) }

func checkCommand() *cobra.Command {
	var (
		nf               netFlags
		method, dataName string
		mnistDir, save   string
		gradient         string
		step, tol        float64
		worst            int
		asJSON           bool
		generic          bool
		directions       int
		stepPlot         string
	)
	cmd := &cobra.Command{
		Use:   "check [FILE]",
		Short: "Compare analytic gradients with finite differences, entry by entry",
		Long: `check computes ∂C/∂W and ∂C/∂b by backpropagation and by finite differences and
compares them entry by entry: per layer the largest absolute and relative
error, the worst entries by (layer, W, row, column) or (layer, b, unit), and
a verdict.

FILE is a problem file (its format: docs/contracts.md). Without FILE, the --net,
--batch, --act, --cost, --reduction, --convention, --init and --seed flags
build a random problem; --data mnist takes its inputs from the first MNIST
training images instead of random numbers.

--method chooses the numerical side: central (the default), forward,
backward, five-point, richardson, complex-step (Im C(θ + i h e_i)/h, exact to
rounding), or directional: instead of entry by entry, --directions random unit
vectors v (seeded by --seed), each comparing vᵀ∇C from backpropagation with the
central difference of C along v, as PyTorch gradcheck's fast mode does; it
takes a few forward passes whatever the size of the network. Entry by entry,
the numbers come from a layer-aware fast path; --generic recomputes the whole
network at every point instead (the same numbers to rounding, much slower).
--step-plot FILE.png also draws every method's error against the step h,
over every well-scaled entry or, for a network too large to sweep in a few
seconds, a seeded sample of them from every W and b; a line on stderr says
which, and the work estimated, before the sweep starts.

--gradient G checks YOUR gradient: G holds your ∂C/∂W and ∂C/∂b for the
problem (FILE, or the one --save wrote), as arrays dW1, db1, dW2, db2, … in
the problem's convention: an .npz archive (np.savez), a folder of .npy files,
or JSON {"layers": [{"dW": [[…]], "db": […]}, …]} (docs/contracts.md). Your
gradient, backproof's backpropagation and finite differences are set side by
side, and each array that differs gets its mistake named (missing-1/m,
transposed, bias-not-summed, fprime-of-A, …). Each array is judged on its own
scale against backpropagation computed in double-double arithmetic, allowing
what float64 itself loses at the point (outputs that fit their targets);
an entry on a relu kink may follow either slope; layers that differ only
because a layer above them does are named as inheriting its mistake
(docs/numerical.md).

Relative error is |a−n| / max(|a|,|n|). An entry is judged by it when
finite differences can resolve the entry (it is at least floor/tol, or its
error exceeds the noise floor ε·|C|/h); the headline is the largest over the
judged entries. Reading of it, after the CS231n notes on gradient checking:
  > 1e-2        wrong
  1e-2 … 1e-4   uncomfortable
  1e-4 … tol    acceptable only with kinks (relu)
  ≤ tol         good (tol: 1e-7 for central differences)
A disagreement is confirmed before it is called the gradient's: the check is
repeated over a ladder of steps (an error that shrinks with h is the step's
truncation, one that grows is rounding) and by the complex step, which has
no cancellation. The outcome is agree, disagree, or cannot tell.

Exit status: 0 the gradient agrees; 1 it does not, or the numbers cannot
tell; 2 bad input (a file, a flag, a cost that is not finite); 3 internal
error (a bug: please report it).`,
		Example: `  backproof check problem.json
  backproof check --net 4,3,2 --batch 5 --act sigmoid --cost quadratic --reduction mean --convention row --seed 1
  backproof check --net 784,30,10 --batch 10 --data mnist --init normal --json
  backproof check --net 784,30,10 --batch 10 --data mnist --method complex-step
  backproof check --net 784,1000,1000,10 --batch 10 --method directional --directions 8
  backproof check problem.json --step-plot steps.png
  backproof check --net 4,3,2 --batch 5 --save problem.json   # then, with your numpy code:
  backproof check problem.json --gradient mine.npz`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var m numgrad.Method
			var err error
			k := 0
			if method == "directional" {
				if directions < 1 {
					return badInput(fmt.Errorf("--directions %d: want at least 1 direction", directions))
				}
				k = directions
			} else if m, err = numgrad.ParseMethod(method); err != nil {
				return badInput(fmt.Errorf("--method: %v, directional", err))
			}
			// The settings are validated where they are used (backproof.CheckBackprop);
			// here, before any work, with the flag's name.
			set := &backproof.Settings{Method: m, Step: step, Criteria: compare.Criteria{Tol: tol, Worst: worst},
				Generic: generic, Directions: k, Seed: nf.seed}
			if err := set.Validate(); err != nil {
				var se *backproof.SettingsError
				if errors.As(err, &se) {
					err = fmt.Errorf("--%s %s", se.Field, se.Problem)
				}
				return badInput(err)
			}
			if err := checkFlagsApply(cmd, len(args) == 1, method, dataName); err != nil {
				return badInput(err)
			}
			var paths files
			if len(args) == 1 {
				paths.input("problem", args[0])
			}
			paths.input("--gradient", gradient)
			paths.input("--mnist", mnistDir)
			paths.output("--save", save)
			paths.output("--step-plot", stepPlot)
			if err := paths.check(); err != nil {
				return badInput(err)
			}
			tx := outfile.Begin()
			defer tx.Abort()
			saveFile, err := reserve(tx, "--save", save)
			if err != nil {
				return err
			}
			plotFile, err := reserve(tx, "--step-plot", stepPlot)
			if err != nil {
				return err
			}
			var p *problem.Problem
			if len(args) == 1 {
				if p, err = problem.LoadWithin(args[0], nf.maxMemory); err != nil {
					return badInput(err)
				}
			} else if p, err = randomProblem(&nf, dataName, mnistDir); err != nil {
				return badInput(err)
			}
			what := fmt.Sprintf("a check of %d parameters", p.Net.NumParams())
			if k > 0 {
				what = fmt.Sprintf("--directions %d: a directional check of %d directions", k, k)
			}
			if err := budget.Check(what, p.Memory().Plus(backproof.Memory(p, set)), nf.maxMemory); err != nil {
				return badInput(err)
			}
			var g *backproof.Gradient
			if gradient != "" {
				if g, err = gradfile.LoadWithin(gradient, p, nf.maxMemory); err != nil {
					return badInput(fmt.Errorf("--gradient: %v", err))
				}
			}
			if saveFile != nil {
				raw, _ := json.MarshalIndent(p, "", " ")
				if err := saveFile.Write(append(raw, '\n')); err != nil {
					return badInput(fmt.Errorf("--save: %v", err))
				}
			}
			progress := newEntryProgress(cmd.ErrOrStderr())
			set.Progress = progress.update()
			// Each kind of check has its result, and its writers.
			var (
				pass      bool
				writeText func(io.Writer)
				writeJSON func() ([]byte, error)
			)
			switch {
			case g != nil:
				var r *backproof.GradientResult
				if r, err = backproof.CheckGradient(p, g, set); err == nil {
					pass, writeText, writeJSON = r.Pass(), func(w io.Writer) { render.WriteGradient(w, r) }, func() ([]byte, error) { return render.GradientJSON(r) }
				}
			case k > 0:
				var r *backproof.DirectionalResult
				if r, err = backproof.CheckDirections(p, set); err == nil {
					pass, writeText, writeJSON = r.Pass(), func(w io.Writer) { render.WriteDirections(w, r) }, func() ([]byte, error) { return render.DirectionsJSON(r) }
				}
			default:
				var r *backproof.EntryResult
				if r, err = backproof.CheckBackprop(p, set); err == nil {
					pass, writeText, writeJSON = r.Pass(), func(w io.Writer) { render.WriteEntries(w, r) }, func() ([]byte, error) { return render.EntriesJSON(r) }
				}
			}
			progress.finish()
			if err != nil {
				var nonFinite *backproof.ErrNonFinite
				if errors.As(err, &nonFinite) { // say whose parameters
					err = fmt.Errorf("%s: %w", problemSource(cmd, args, &nf), err)
				}
				return badInput(err)
			}
			if plotFile != nil {
				// The sweep costs some two hundred gradients: its plan says
				// which entries and how much work before any of it is done.
				plan := experiments.PlanSteps(p, 0)
				fmt.Fprintf(cmd.ErrOrStderr(), "check: --step-plot %s: %s\n", stepPlot, plan)
				sweep := newEntryProgress(cmd.ErrOrStderr())
				curves := experiments.StepCurvesOf(p, plan, sweep.update())
				sweep.finish()
				png, err := plots.StepSize(curves, experiments.Describe(p)+"\n"+plan.Title())
				if err == nil {
					err = plotFile.Write(png)
				}
				if err != nil {
					return badInput(fmt.Errorf("--step-plot: %v", err))
				}
			}
			// The outputs are moved into place once the work is done: a
			// failure above leaves the files --save and --step-plot name
			// as they were.
			if err := commit(tx); err != nil {
				return err
			}
			if asJSON {
				raw, err := writeJSON()
				if err != nil {
					return fmt.Errorf("writing the JSON report: %v", err)
				}
				fmt.Fprintln(cmd.OutOrStdout(), string(raw))
			} else {
				writeText(cmd.OutOrStdout())
			}
			if saveFile != nil {
				// Said last, where it is seen; on stderr beside --json,
				// whose stdout is the JSON object alone.
				w := cmd.OutOrStdout()
				if asJSON {
					w = cmd.ErrOrStderr()
				}
				fmt.Fprintf(w, "wrote %s: the problem, to edit and check again (backproof check %s)\n", save, save)
			}
			if !pass {
				return mismatch(nil)
			}
			return nil
		},
	}
	addNetFlags(cmd, &nf)
	fs := cmd.Flags()
	fs.StringVar(&method, "method", "central", "numerical method ("+names(numgrad.Methods)+", directional)")
	fs.BoolVar(&generic, "generic", false, "recompute the whole network at every point (the generic path) instead of the layer-aware fast path")
	fs.IntVar(&directions, "directions", 8, "with --method directional: how many random directions (seeded by --seed)")
	fs.StringVar(&stepPlot, "step-plot", "", "also draw every method's error against the step h to this PNG file")
	fs.Float64Var(&step, "step", 0, "finite-difference step h (0: the method's default, 6e-6 for central; a central directional check of a large network raises it up to 6e-4 and says why)")
	fs.Float64Var(&tol, "tol", 0, "largest relative error that passes (0: the method's default, 1e-7 for central)")
	fs.IntVar(&worst, "worst", 5, "how many of the worst entries to show")
	fs.StringVar(&dataName, "data", "random", "inputs of a random problem: random (N(0,1)) or mnist (the first --batch training images and their one-hot labels)")
	fs.StringVar(&mnistDir, "mnist", "", "folder with the MNIST .gz files (default: $"+data.EnvMNIST+", else the GoMNIST module)")
	fs.StringVar(&save, "save", "", "also write the problem to this file, to edit and check again")
	fs.StringVar(&gradient, "gradient", "", "check YOUR gradient of the problem: an .npz (np.savez), a folder of .npy files, or a .json file with dW1, db1, … (docs/contracts.md)")
	fs.BoolVar(&asJSON, "json", false, "print one JSON object (the contract in docs/contracts.md)")
	return cmd
}

// checkFlagsApply refuses flags that would be silently ignored: the flags
// of a random problem beside a problem file, --directions without the
// directional method, --mnist without --data mnist.
func checkFlagsApply(cmd *cobra.Command, haveFile bool, method, dataName string) error {
	fs := cmd.Flags()
	if haveFile {
		for _, f := range []string{"net", "batch", "act", "cost", "reduction", "convention", "init", "data", "mnist", "lambda", "lambda-n", "keep-prob"} {
			if fs.Changed(f) {
				return fmt.Errorf("--%s describes a random problem, but the problem comes from the file: drop --%s, or drop the file", f, f)
			}
		}
	}
	if fs.Changed("directions") && method != "directional" {
		return fmt.Errorf("--directions applies to --method directional only")
	}
	if fs.Changed("mnist") && dataName != "mnist" {
		return fmt.Errorf("--mnist gives the MNIST folder for --data mnist, but --data is %s", dataName)
	}
	if fs.Changed("seed") && haveFile && method != "directional" {
		return fmt.Errorf("--seed seeds a random problem or the directions of --method directional; with a problem file and --method %s it does nothing", method)
	}
	return nil
}

// problemSource names where the checked problem came from, for an error
// about its numbers: the file, or the flags that drew it.
func problemSource(cmd *cobra.Command, args []string, nf *netFlags) string {
	if len(args) == 1 {
		return args[0]
	}
	fs := cmd.Flags()
	return fmt.Sprintf("the problem of --net %s --batch %s --init %s --seed %s --data %s",
		nf.net, fs.Lookup("batch").Value, nf.init, fs.Lookup("seed").Value, fs.Lookup("data").Value)
}

// randomProblem builds the problem the flags describe: random inputs, or
// the first --batch MNIST training images (problem.MNISTBatch).
func randomProblem(nf *netFlags, dataName, mnistDir string) (*problem.Problem, error) {
	spec, err := nf.spec()
	if err != nil {
		return nil, err
	}
	switch dataName {
	case "random":
		return problem.Random(spec)
	case "mnist":
		p, err := problem.MNISTBatch(spec, mnistDir)
		if err != nil {
			return nil, fmt.Errorf("--data mnist: %v", err)
		}
		return p, nil
	}
	return nil, fmt.Errorf("--data %q: want random or mnist", dataName)
}

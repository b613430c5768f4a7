package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
	"github.com/backproof/backproof/numgrad"
	"github.com/backproof/backproof/problem"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, checkCommand) }

func checkCommand() *cobra.Command {
	var (
		nf               netFlags
		method, dataName string
		mnistDir, save   string
		step, tol        float64
		worst            int
		asJSON           bool
	)
	cmd := &cobra.Command{
		Use:   "check [FILE]",
		Short: "Compare analytic gradients with finite differences, entry by entry",
		Long: `check computes ∂C/∂W and ∂C/∂b by backpropagation and by finite differences and
compares them entry by entry: per layer the largest absolute and relative
error, the worst entries by (layer, W or b, row, column), and a verdict.

FILE is a problem file (see docs/conventions.md). Without FILE, the --net,
--batch, --act, --cost, --reduction, --convention, --init and --seed flags
build a random problem; --data mnist takes its inputs from the first MNIST
training images instead of random numbers.

Relative error is |a−n| / max(|a|,|n|). Reading of the largest one (CS231n):
  > 1e-2        the gradient is probably wrong
  1e-2 … 1e-4   uncomfortable
  1e-4 … 1e-7   acceptable only with kinks (relu)
  < 1e-7        good
Exit status: 0 pass, 1 mismatch, 2 bad input.`,
		Example: `  backproof check problem.json
  backproof check --net 4,3,2 --batch 5 --act sigmoid --cost quadratic --reduction mean --convention row --seed 1
  backproof check --net 784,30,10 --batch 10 --data mnist --init normal --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := numgrad.ParseMethod(method)
			if err != nil {
				return badInput(fmt.Errorf("--method: %v", err))
			}
			if step < 0 {
				return badInput(fmt.Errorf("--step %g: the step must be positive", step))
			}
			var p *problem.Problem
			if len(args) == 1 {
				if p, err = problem.Load(args[0]); err != nil {
					return badInput(err)
				}
			} else if p, err = randomProblem(&nf, dataName, mnistDir); err != nil {
				return badInput(err)
			}
			if save != "" {
				raw, _ := json.MarshalIndent(p, "", " ")
				if err := os.WriteFile(save, append(raw, '\n'), 0o644); err != nil {
					return badInput(fmt.Errorf("--save: %v", err))
				}
			}
			r, err := backproof.Check(p, &backproof.Settings{Method: m, Step: step, Tol: tol, Worst: worst})
			if err != nil {
				return badInput(err)
			}
			if asJSON {
				raw, err := json.Marshal(r)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), string(raw))
			} else {
				r.WriteText(cmd.OutOrStdout())
			}
			if !r.Pass() {
				return mismatch(nil)
			}
			return nil
		},
	}
	addNetFlags(cmd, &nf)
	fs := cmd.Flags()
	fs.StringVar(&method, "method", "central", "finite differences ("+names(numgrad.Methods)+")")
	fs.Float64Var(&step, "step", 0, "finite-difference step h (0: the method's default, 6e-6 for central)")
	fs.Float64Var(&tol, "tol", 0, "largest relative error that passes (0: the method's default, 1e-7 for central)")
	fs.IntVar(&worst, "worst", 5, "how many of the worst entries to show")
	fs.StringVar(&dataName, "data", "random", "inputs of a random problem: random (N(0,1)) or mnist (the first --batch training images and their one-hot labels)")
	fs.StringVar(&mnistDir, "mnist", "", "folder with the MNIST .gz files (default: $"+data.EnvMNIST+", else the GoMNIST module)")
	fs.StringVar(&save, "save", "", "also write the problem to this file, to edit and check again")
	fs.BoolVar(&asJSON, "json", false, "print one JSON object (DESIGN.md contract)")
	return cmd
}

// randomProblem builds the problem the flags describe.
func randomProblem(nf *netFlags, dataName, mnistDir string) (*problem.Problem, error) {
	spec, err := nf.spec()
	if err != nil {
		return nil, err
	}
	p, err := problem.Random(spec)
	if err != nil {
		return nil, err
	}
	switch dataName {
	case "random":
		return p, nil
	case "mnist":
	default:
		return nil, fmt.Errorf("--data %q: want random or mnist", dataName)
	}
	if spec.Sizes[0] != 784 || spec.Sizes[len(spec.Sizes)-1] != 10 {
		return nil, fmt.Errorf("--data mnist needs 784 inputs and 10 outputs, but --net is %s", nf.net)
	}
	if mnistDir == "" {
		if mnistDir, err = data.MNISTDir(); err != nil {
			return nil, err
		}
	}
	train, _, _, err := data.LoadMNIST(mnistDir, data.Unit)
	if err != nil {
		return nil, err
	}
	if spec.Batch > train.Len() {
		return nil, errors.New("--batch is larger than the MNIST training set")
	}
	idx := make([]int, spec.Batch)
	for i := range idx {
		idx[i] = i
	}
	x, y := train.Batch(idx)
	c := spec.Convention
	return &problem.Problem{Net: p.Net, X: derive.Batch(x, derive.Row, c), Y: derive.Batch(y, derive.Row, c)}, nil
}

package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/backproof/backproof/formula"
	"github.com/backproof/backproof/problem"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, formulaCommand) }

func formulaCommand() *cobra.Command {
	var (
		nf          netFlags
		problemFile string
		asJSON      bool
	)
	cmd := &cobra.Command{
		Use:   "formula FILE",
		Short: "Check a learner's written backprop formulas, line by line",
		Long: `formula reads a derivation written as on paper, one statement a line,
and checks every line against backpropagation on a problem: the shape it
produces, its value, and, when it is wrong, which classic mistake it makes
(missing-1/m, transposed, fprime-of-A, …). See docs/formulas.md.

  # row convention, quadratic cost, mean reduction
  dZ2 = (A2 - Y) ⊙ sigmoid'(Z2)
  dW2 = A1ᵀ @ dZ2 / m
  db2 = sum(dZ2, 0) / m
  dZ1 = (dZ2 @ W2^T) * sigmoid'(Z1)

The problem gives X (A0), Y, A1…AL, Z1…ZL, W1…WL, b1…bL and m; the lines
named dZℓ (delta ℓ), dAℓ, dWℓ, dbℓ are checked, any other name is a helper.
--problem FILE takes the network and batch from a problem file; otherwise
the --net, --batch, --act, --cost, --reduction, --convention, --init and
--seed flags draw a random one (without --net, with as many layers as the
formulas name and sizes that differ from each other and from the batch,
so that every shape mistake shows).

Exit status: 0 every dW and db line is correct; 1 one is wrong, has a shape
error or cannot be evaluated; 2 the file cannot be parsed or names what the
network does not have (with FILE:LINE:COLUMN).`,
		Example: `  backproof formula derivation.txt --convention row --cost quadratic --reduction mean
  backproof formula nielsen.txt --convention per-example --batch 3
  backproof formula derivation.txt --problem problem.json --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file := args[0]
			src, err := os.ReadFile(file)
			if err != nil {
				var pe *os.PathError
				if errors.As(err, &pe) {
					err = pe.Err
				}
				return badInput(fmt.Errorf("%s: cannot read the formula file: %v", file, err))
			}
			prog, err := formula.Parse(string(src))
			if err != nil {
				return badInput(fmt.Errorf("%s:%v", file, err))
			}
			p, err := formulaProblem(cmd, &nf, problemFile, prog)
			if err != nil {
				return badInput(err)
			}
			rep, err := formula.Check(prog, p.Net, p.X, p.Y)
			if err != nil {
				return badInput(fmt.Errorf("%s:%v", file, err))
			}
			if asJSON {
				raw, err := json.Marshal(rep)
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), string(raw))
			} else {
				rep.WriteText(cmd.OutOrStdout())
			}
			if !rep.Pass {
				return mismatch(nil)
			}
			return nil
		},
	}
	addNetFlags(cmd, &nf)
	cmd.Flags().StringVar(&problemFile, "problem", "", "take the network and the batch from this problem file instead of drawing them")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object (DESIGN.md contract)")
	return cmd
}

// formulaProblem is the problem the formulas run on: a problem file, or a
// random problem from the flags.
func formulaProblem(cmd *cobra.Command, nf *netFlags, problemFile string, prog *formula.Program) (*problem.Problem, error) {
	if problemFile != "" {
		var set []string
		for _, f := range []string{"net", "batch", "act", "cost", "reduction", "convention", "init", "seed"} {
			if cmd.Flags().Changed(f) {
				set = append(set, "--"+f)
			}
		}
		if len(set) > 0 {
			return nil, fmt.Errorf("--problem gives the network and the batch; drop %s", strings.Join(set, ", "))
		}
		return problem.Load(problemFile)
	}
	if !cmd.Flags().Changed("net") {
		L := prog.MaxLayer()
		if acts := strings.Split(nf.act, ","); len(acts) > 1 {
			L = len(acts)
		}
		if L < 1 {
			L = 2
		}
		nf.net = distinctSizes(L, nf.batch)
	}
	spec, err := nf.spec()
	if err != nil {
		return nil, err
	}
	return problem.Random(spec)
}

// distinctSizes are layer sizes n0…nL that differ from each other and from
// the batch size m, so that every shape mistake shows, growing towards the
// input: 4,3,2 for two layers and the default batch of 5.
func distinctSizes(L, m int) string {
	used := map[int]bool{m: true, 1: true}
	pick := func(n int) int {
		for used[n] {
			n++
		}
		used[n] = true
		return n
	}
	out := pick(2)
	sizes := make([]string, L+1)
	next := 3
	for i := L - 1; i >= 0; i-- {
		n := pick(next)
		next = n + 1
		sizes[i] = fmt.Sprint(n)
	}
	sizes[L] = fmt.Sprint(out)
	return strings.Join(sizes, ",")
}

package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/backproof/backproof/derive"
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
		Use:   "formula FILE (or - for standard input)",
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
named dZℓ (delta ℓ), dAℓ, dWℓ, dbℓ are checked, and so are forward-pass
lines (Z1 = X @ W1 + b1, A1 = sigmoid(Z1)); any other name is a helper,
and a name that looks like a gradient (grad_W2, dW_2) is refused. A def in
the file is your own function, evaluated as written; a line calling a def
the checker cannot evaluate is "cannot tell", never a mistake.
--problem FILE takes the network and batch from a problem file; otherwise
the --net, --batch, --act, --cost, --reduction, --convention, --init and
--seed flags draw a random one, and so does a header line in the file,
  # backproof: --convention row --cost sum-squares --reduction sum
whose flags the command line's override (stderr says which) (without --net, with as many layers as the
formulas name and sizes that differ from each other and from the batch,
so that every shape mistake shows). Without --act, the activations of a
pasted forward pass (np.tanh, np.maximum(0, ·), 1/(1+np.exp(-·)), the
softmax) are used when it shows every layer's, and stderr says so;
without --cost, the cost a pasted line computes (cost = -np.sum(…)/m)
is used when its value is one cost's, summed or averaged, alone.

It reads the code as learners paste it: numpy (np.dot(W2.T, dZ2),
dZ2.sum(axis=0, keepdims=True), 1./m, (Z1 > 0), a pasted function), LaTeX and
Ng's notation (dW^{[2]}, A^{[1]T}, \frac{1}{m}, \odot, \sigma'), MATLAB
(A1', .*) and the lowercase a2, z2, delta2 of Nielsen's book "Neural
Networks and Deep Learning".

Exit status: 0 every checked line is correct, dW or db lines among them;
1 a checked line is wrong, has a shape error or cannot be evaluated, the
checker cannot tell (CANNOT TELL), or no dW or db line was checked
(INCOMPLETE); 2 the file cannot be read (larger
than 1 MiB, not UTF-8), has nothing to check, cannot be parsed or names
what the network does not have (or, without --net, more than 64 layers),
or has lines whose matrices would take more than --max-memory:
every such error, each with FILE:LINE:COLUMN.`,
		Example: `  backproof formula derivation.txt --convention row --cost quadratic --reduction mean
  backproof formula nielsen.txt --convention per-example --batch 3
  backproof formula derivation.txt --problem problem.json --json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file := args[0]
			src, err := readFormulaFile(file, cmd.InOrStdin())
			if err != nil {
				return badInput(err)
			}
			prog, err := formula.Parse(src)
			if err != nil {
				return formulaErrors(cmd, file, err)
			}
			hdr, err := formula.ReadHeader(src)
			if err != nil {
				return formulaErrors(cmd, file, err)
			}
			if err := applyHeader(cmd, file, hdr, problemFile != ""); err != nil {
				return badInput(err)
			}
			if len(prog.Stmts) == 0 {
				return badInput(fmt.Errorf("%s: nothing to check: the file has no statement; write one NAME = EXPRESSION a line, such as dW2 = A1ᵀ @ dZ2 (see docs/formulas.md)", file))
			}
			p, err := formulaProblem(cmd, &nf, problemFile, prog)
			if err != nil {
				var fe *formula.Error
				if errors.As(err, &fe) {
					return formulaErrors(cmd, file, err)
				}
				return badInput(err)
			}
			rep, err := formula.CheckWithin(prog, p.Net, p.X, p.Y, nf.maxMemory)
			if err != nil {
				return formulaErrors(cmd, file, err)
			}
			if rep.Checked() == 0 {
				return badInput(fmt.Errorf("%s: nothing to check: no line is named dZℓ, dAℓ, dWℓ or dbℓ, and helper lines alone are not checked", file))
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
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object (the contract in docs/contracts.md)")
	return cmd
}

// maxFormulaBytes bounds what formula reads: a derivation is a few lines,
// and /dev/zero is not one.
const maxFormulaBytes = 1 << 20

// readFormulaFile reads a formula file, refusing one larger than
// maxFormulaBytes before reading more than that, or one that is not text.
// A file named - is standard input, for a paste: pbpaste | backproof formula -.
func readFormulaFile(file string, stdin io.Reader) (string, error) {
	var f io.Reader = stdin
	if file != "-" {
		o, err := os.Open(file)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return "", fmt.Errorf("%s: cannot read the formula file: %v", file, err)
		}
		defer o.Close()
		f = o
	}
	src, err := io.ReadAll(io.LimitReader(f, maxFormulaBytes+1))
	if err != nil {
		return "", fmt.Errorf("%s: cannot read the formula file: %v", file, err)
	}
	if len(src) > maxFormulaBytes {
		return "", fmt.Errorf("%s: the formula file is larger than 1 MiB, the limit: a derivation is a few lines, so this is not one", file)
	}
	if !utf8.Valid(src) {
		return "", fmt.Errorf("%s: the formula file is not UTF-8 text", file)
	}
	if bytes.IndexByte(src, 0) >= 0 {
		return "", fmt.Errorf("%s: the formula file holds NUL bytes: it is not text", file)
	}
	return string(src), nil
}

// formulaErrors prints every error of a formula file, one a line as
// FILE:LINE:COL: message (formula.ErrorLines), and ends with exit status 2.
func formulaErrors(cmd *cobra.Command, file string, err error) error {
	lines, ok := formula.ErrorLines(file, err)
	if !ok {
		return badInput(fmt.Errorf("%s: %v", file, err))
	}
	for _, l := range lines[:len(lines)-1] {
		fmt.Fprintf(cmd.ErrOrStderr(), "backproof: %s\n", l)
	}
	return badInput(errors.New(lines[len(lines)-1]))
}

// formulaProblem is the problem the formulas run on: a problem file, or a
// random problem from the flags.
func formulaProblem(cmd *cobra.Command, nf *netFlags, problemFile string, prog *formula.Program) (*problem.Problem, error) {
	if problemFile != "" {
		var set []string
		for _, f := range []string{"net", "batch", "act", "cost", "reduction", "convention", "init", "seed", "lambda", "lambda-n", "keep-prob"} {
			if cmd.Flags().Changed(f) {
				set = append(set, "--"+f)
			}
		}
		if len(set) > 0 {
			return nil, fmt.Errorf("--problem gives the network and the batch; drop %s", strings.Join(set, ", "))
		}
		return problem.LoadWithin(problemFile, nf.maxMemory)
	}
	layers := 0
	if cmd.Flags().Changed("net") {
		layers = len(nf.net) - 1
	}
	if use, note := prog.ForwardNote(nf.acts, cmd.Flags().Changed("act"), layers); note != "" {
		fmt.Fprintf(cmd.ErrOrStderr(), "backproof: %s\n", note)
		if use != nil {
			nf.acts = use
		}
	}
	if !cmd.Flags().Changed("net") {
		sizes, err := prog.Sizes(nf.batch, len(nf.acts))
		if err != nil {
			return nil, err
		}
		if err := nf.net.Set(sizes); err != nil {
			return nil, err
		}
	}
	draw := problem.Drawer(func(c derive.Cost) (problem.Spec, error) {
		f := *nf
		f.cost = c
		return f.spec()
	})
	var note string
	nf.cost, nf.reduction, note = prog.CostNote(nf.cost, nf.reduction, cmd.Flags().Changed("cost"), cmd.Flags().Changed("reduction"), nf.maxMemory, draw)
	if note != "" {
		fmt.Fprintf(cmd.ErrOrStderr(), "backproof: %s\n", note)
	}
	spec, err := nf.spec()
	if err != nil {
		return nil, err
	}
	return problem.Random(spec)
}

// headerFlags are the flags a formula file's header may give: the
// problem's, none of how the command runs or prints.
var headerFlags = []string{"net", "batch", "act", "cost", "reduction", "convention", "init", "seed"}

// applyHeader sets the flags of a file's header line (# backproof: …)
// that the command line did not set. A flag given on the command line
// wins, and stderr says so when it differs; with --problem, the problem
// file gives the network and the header is not used, which stderr says.
func applyHeader(cmd *cobra.Command, file string, h *formula.Header, problem bool) error {
	if h == nil || len(h.Flags) == 0 {
		return nil
	}
	say := func(format string, args ...any) {
		fmt.Fprintf(cmd.ErrOrStderr(), "backproof: %s:%d: %s\n", file, h.Line, fmt.Sprintf(format, args...))
	}
	for _, f := range h.Flags {
		if !slices.Contains(headerFlags, f.Name) {
			return fmt.Errorf("%s:%d:%d: --%s cannot be given in the header: a header gives the problem (--%s); give --%s on the command line",
				file, h.Line, f.Col, f.Name, strings.Join(headerFlags, ", --"), f.Name)
		}
		if f.Bare {
			return fmt.Errorf("%s:%d:%d: --%s in the header has no value: write --%s VALUE", file, h.Line, f.Col, f.Name, f.Name)
		}
	}
	if problem {
		say("the header's flags are not used: --problem gives the network and the batch")
		return nil
	}
	given := map[string]bool{} // on the command line, before the header sets any
	for _, f := range h.Flags {
		given[f.Name] = cmd.Flags().Changed(f.Name)
	}
	for _, f := range h.Flags {
		flag := cmd.Flags().Lookup(f.Name)
		if given[f.Name] {
			if given := flag.Value.String(); given != f.Value {
				say("--%s %s on the command line overrides the header's --%s %s", f.Name, given, f.Name, f.Value)
			}
			continue
		}
		if err := cmd.Flags().Set(f.Name, f.Value); err != nil {
			return fmt.Errorf("%s:%d:%d: the header's --%s %s: %v", file, h.Line, f.Col, f.Name, f.Value, err)
		}
	}
	return nil
}

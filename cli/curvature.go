package cli

import (
	"fmt"

	"github.com/backproof/backproof/curvature"
	"github.com/backproof/backproof/train"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, curvatureCommand) }

func curvatureCommand() *cobra.Command {
	var f trainFlags
	cmd := &cobra.Command{
		Use:   "curvature",
		Short: "Probe the Hessian of the training cost: minimum, saddle, slope, or a flat layer?",
		Long: `curvature answers the question that ends the Physics Forums thread
"Derivative of Cost Function with Respect to Output Layer Weight", "saddle
point or local minimum?", at a point of training. It builds the net the
flags describe, trains it for --epochs (default 0: the starting point), and
estimates the extreme eigenvalues of the Hessian of the training cost (mean
over the first --examples training examples) by Lanczos iterations, with
Hessian-vector products from central differences of the analytic gradient.
It does the same for each layer's parameters alone, and classifies the
whole net and each layer by one rule, checked in this order:

  flat     ‖∇‖ and every |λ| ≤ ` + fmt.Sprint(curvature.DefaultFlatTol) + `: the cost neither slopes nor curves
           along these parameters (saturated units pass back f′(z) ≈ 0),
           so gradient descent cannot move them
  slope    ‖∇‖ > ` + fmt.Sprint(curvature.DefaultGradTol) + `: not a critical point
  saddle   λmin < −` + fmt.Sprint(curvature.DefaultNegTol) + `·|λmax| and λmin < −` + fmt.Sprint(curvature.DefaultFlatTol) + `: some direction goes down
  minimum  otherwise: no direction goes down

A layer that is flat is on a plateau: it cannot learn from there, whatever
the other layers do.

With --epochs N the start and the end of training are probed. The flags are
those of train; --json prints the training history, whose "curvature" list
holds the probes.

Exit status: 0 probed; 1 training diverged; 2 bad input (a flag, or a data
file) or output that cannot be written; 3 internal error (a bug: please
report it).`,
		Example: `  backproof curvature --init uniform01                # the thread's starting point, U[0,1)
  backproof curvature --init uniform01 --epochs 30    # where its training got stuck
  backproof curvature --data xor --net 2,2,2 --epochs 500 --eta 2`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.curvature = true
			return runTrain(cmd, &f, true)
		},
	}
	addTrainFlags(cmd, &f, 0)
	cmd.Flags().IntVar(&f.examples, "examples", train.DefaultCurvatureExamples, "training examples the probed cost averages over")
	return cmd
}

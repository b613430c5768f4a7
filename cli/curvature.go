package cli

import (
	"github.com/backproof/backproof/train"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, curvatureCommand) }

func curvatureCommand() *cobra.Command {
	var f trainFlags
	cmd := &cobra.Command{
		Use:   "curvature",
		Short: "Probe the Hessian of the training cost: minimum, saddle or plateau?",
		Long: `curvature answers the question that ends the Physics Forums thread
"Derivative of Cost Function with Respect to Output Layer Weight", "saddle
point or local minimum?", at a point of training. It builds the net the flags describe, trains it for
--epochs (default 0: the starting point), and estimates the extreme
eigenvalues of the Hessian of the training cost (mean over the first
--examples training examples) by Lanczos iterations, with Hessian-vector
products from central differences of the analytic gradient. It does the
same for each layer's parameters alone, and classifies the point:

  plateau  ‖∇C‖ and every |λ| ≤ 1e-5; or ‖∇C‖ ≤ 1e-3 and one whole layer
           has gradient and curvature ≤ 1e-5 (saturated units pass back
           f′(z) ≈ 0, so that layer cannot learn)
  slope    ‖∇C‖ > 1e-3: not a critical point
  saddle   λmin < −1e-3·|λmax| (and < −1e-5): some direction goes down
  minimum  otherwise: no direction goes down

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

/*
Backproof checks backpropagation derivations against finite differences.

# Usage

	backproof check [FILE] [flags]      compare analytic and numeric gradients
	backproof formula FILE [flags]      check a learner's written formulas
	backproof train [flags]             train on MNIST or a synthetic set
	backproof curvature [flags]         probe the Hessian at a point

Exit status: 0 success or the check passed; 1 the check found a mismatch or
training diverged; 2 bad input or usage, with one line on stderr naming the
file and the line or JSON path.

Run `backproof help COMMAND` for each command's flags.
*/
package main

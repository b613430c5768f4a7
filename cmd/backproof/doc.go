/*
Backproof checks backpropagation derivations against finite differences.

# Usage

	backproof check [FILE] [flags]      compare analytic and numeric gradients
	backproof formula FILE [flags]      check a learner's written formulas
	backproof train [flags]             train on MNIST or a synthetic set
	backproof curvature [flags]         probe the Hessian at a point
	backproof web --out DIR             write the page that checks in the browser

Every command shares --net, --act, --cost, --reduction, --convention and
--init, with the same meanings and defaults (the default init is normal,
N(0,1), as in chapter 1 of Michael Nielsen's "Neural Networks and Deep
Learning" (neuralnetworksanddeeplearning.com), which train reproduces), and --max-memory (default 4GiB): a
request whose estimated memory is larger is refused, with the estimate,
before anything is allocated.

Exit status, for every command:

	0  success, or the check passed
	1  the check found a mismatch (or could not tell), or training diverged
	2  bad input or usage, with one line on stderr naming the file (and the
	   line or JSON path) or the flag; also when the output cannot be
	   written (a full disk): the result did not reach its reader
	3  internal error: a bug in backproof, whatever the input; the message
	   asks to report it

Run `backproof help COMMAND` for each command's flags.
*/
package main

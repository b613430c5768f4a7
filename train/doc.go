// Package train runs Nielsen's mini-batch stochastic gradient descent in the
// row, column and per-example conventions and records what a learner needs
// to see: costs, accuracies, gradient norms, saturated units, divergence and
// the curvature of the cost where training stops.
package train

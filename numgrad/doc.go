// Package numgrad estimates the gradient of a scalar function of a parameter
// vector numerically, by finite differences built on gonum's diff/fd and by the
// complex step, to check gradients computed by backpropagation.
package numgrad

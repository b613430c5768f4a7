// Package numgrad estimates the gradient of a scalar function of a parameter
// vector numerically, by finite differences built on gonum's diff/fd and by the
// complex step, and for a network's cost by a layer-aware fast path
// (NetGradient), to check gradients computed by backpropagation.
package numgrad

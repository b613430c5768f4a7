// Package derive computes backpropagation's analytic gradients in the three
// layouts learners write them in: row, column and per-example.
package derive

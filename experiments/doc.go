// Package experiments runs the experiments and sweeps behind backproof's
// report — the saddle point on XOR, the plateau of uniform [0,1) weights,
// loss-surface slices, planted gradient mistakes, step-size, init, learning-
// rate and batch sweeps — and returns their numbers for plots to draw.
package experiments

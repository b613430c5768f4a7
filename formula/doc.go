// Package formula reads a learner's backprop derivation, written one
// statement a line as on paper, and checks every line against derive's
// truth: its shape, its value, and which classic mistake it makes.
package formula

// Package problem reads a gradient-checking problem (a network, its cost
// and a batch) from a JSON file, or draws a random one.
package problem

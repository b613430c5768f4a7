// Package plots draws backproof's figures as PNG files with gonum/plot.
package plots

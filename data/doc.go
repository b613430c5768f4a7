// Package data loads MNIST as Nielsen splits it and makes small seeded synthetic sets, one example a row.
package data

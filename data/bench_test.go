package data

import (
	"testing"

	"gonum.org/v1/gonum/mat"
)

// BenchmarkLoadMNIST measures reading and scaling all 80,000 MNIST images.
func BenchmarkLoadMNIST(b *testing.B) {
	dir, err := MNISTDir()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, _, err := LoadMNIST(dir, Unit); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBatchInto measures copying one mini-batch of 10 MNIST-sized rows,
// the per-step cost of feeding a training loop.
func BenchmarkBatchInto(b *testing.B) {
	s := Blobs(1000, 10, 784, 1)
	idx := []int{3, 141, 592, 653, 589, 793, 238, 462, 643, 383}
	x := mat.NewDense(len(idx), 784, nil)
	y := mat.NewDense(len(idx), 10, nil)
	for b.Loop() {
		s.BatchInto(x, y, idx)
	}
}

package train

import (
	"fmt"
	"testing"

	"github.com/backproof/backproof/data"
)

// The widths of issue 12's scaling figure: [784, n, 10].
var benchWidths = []int{30, 100, 300, 1000}

// benchWidth runs f for each hidden width with a trainer for [784, n, 10]
// (the chapter 1 settings otherwise) on the MNIST training images.
func benchWidth(b *testing.B, f func(b *testing.B, t *trainer, validation, test *data.Set)) {
	dir, err := data.MNISTDir()
	if err != nil {
		b.Skip("MNIST not found:", err)
	}
	train, validation, test, err := data.LoadMNIST(dir, data.Unit)
	if err != nil {
		b.Skip("MNIST not found:", err)
	}
	for _, n := range benchWidths {
		b.Run(fmt.Sprintf("hidden=%d", n), func(b *testing.B) {
			cfg, sp, err := Config{Net: []int{784, n, 10}}.resolve(784, 10, train.Len())
			if err != nil {
				b.Fatal(err)
			}
			t := newTrainer(cfg, sp, train)
			defer t.close()
			f(b, t, validation, test)
		})
	}
}

// BenchmarkEpochWidth is BenchmarkEpochRow for [784, n, 10]: one epoch of
// 5,000 steps, shuffling included, measuring not.
func BenchmarkEpochWidth(b *testing.B) {
	benchWidth(b, func(b *testing.B, t *trainer, _, _ *data.Set) {
		e := newEpochs(t)
		b.ReportAllocs()
		for b.Loop() {
			if !e.run() {
				b.Fatal("diverged")
			}
		}
	})
}

// BenchmarkMeasureWidth is BenchmarkMeasureEpoch for [784, n, 10], after
// one epoch of training.
func BenchmarkMeasureWidth(b *testing.B) {
	benchWidth(b, func(b *testing.B, t *trainer, validation, test *data.Set) {
		if !newEpochs(t).run() {
			b.Fatal("diverged")
		}
		t.measureEpoch(t.eval, 1, validation, test)
		b.ReportAllocs()
		for b.Loop() {
			t.measureEpoch(t.eval, 1, validation, test)
		}
	})
}

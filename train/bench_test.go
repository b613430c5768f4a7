package train

import (
	"math/rand/v2"
	"testing"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
)

// benchEpoch times one epoch of Nielsen's chapter 1 run, [784,30,10]
// sigmoid, quadratic cost, batch 10, η 3, on the 50,000 MNIST training
// images: 5,000 steps in convention c, shuffling included, measuring not.
func benchEpoch(b *testing.B, c derive.Convention) {
	dir, err := data.MNISTDir()
	if err != nil {
		b.Skip("MNIST not found:", err)
	}
	train, _, _, err := data.LoadMNIST(dir, data.Unit)
	if err != nil {
		b.Skip("MNIST not found:", err)
	}
	cfg, sp, err := Config{Convention: c}.resolve(784, 10, train.Len())
	if err != nil {
		b.Fatal(err)
	}
	t := newTrainer(cfg, sp, train)
	e := newEpochs(t)
	b.ReportAllocs()
	for b.Loop() {
		if !e.run() {
			b.Fatal("diverged")
		}
	}
}

func BenchmarkEpochRow(b *testing.B)        { benchEpoch(b, derive.Row) }
func BenchmarkEpochColumn(b *testing.B)     { benchEpoch(b, derive.Column) }
func BenchmarkEpochPerExample(b *testing.B) { benchEpoch(b, derive.PerExample) }

// epochs runs whole epochs as Run does, without measuring.
type epochs struct {
	t     *trainer
	order []int
	rng   *rand.Rand
}

func newEpochs(t *trainer) *epochs {
	n := t.train.Len()
	e := &epochs{t: t, order: make([]int, n), rng: rand.New(rand.NewPCG(t.cfg.Seed, 1))}
	for i := range e.order {
		e.order[i] = i
	}
	return e
}

func (e *epochs) run() bool {
	n, m := len(e.order), e.t.cfg.Batch
	e.rng.Shuffle(n, func(i, j int) { e.order[i], e.order[j] = e.order[j], e.order[i] })
	for s := 0; s < n; s += m {
		if _, ok := e.t.step(e.order[s:min(n, s+m)]); !ok {
			return false
		}
	}
	return true
}

// BenchmarkMeasureEpoch times what Run measures after every epoch and
// `backproof train` prints by default: cost, accuracy, gradient norms and
// saturation on the 50,000 training images, cost and accuracy on the
// 10,000 validation and 10,000 test images, for the chapter 1 net after
// one epoch of training. Issue 12 asks for at most a quarter of
// BenchmarkEpochRow.
func BenchmarkMeasureEpoch(b *testing.B) {
	dir, err := data.MNISTDir()
	if err != nil {
		b.Skip("MNIST not found:", err)
	}
	train, validation, test, err := data.LoadMNIST(dir, data.Unit)
	if err != nil {
		b.Skip("MNIST not found:", err)
	}
	cfg, sp, err := Config{}.resolve(784, 10, train.Len())
	if err != nil {
		b.Fatal(err)
	}
	t := newTrainer(cfg, sp, train)
	if !newEpochs(t).run() {
		b.Fatal("diverged")
	}
	t.measureEpoch(t.eval, 1, validation, test) // the sets' sparse rows, once
	b.ReportAllocs()
	for b.Loop() {
		t.measureEpoch(t.eval, 1, validation, test)
	}
}

package problem

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"

	"github.com/backproof/backproof/derive"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeMNIST writes the four MNIST files in the IDX format, small: n
// training and 3 test images of 28×28 pixels, pixel j of image i being
// (7i + j) mod 256 and its label i mod 10. LoadMNIST holds out the last
// 10,000 training images, so n must be larger.
func writeMNIST(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name string, header []uint32, body []byte) {
		var b bytes.Buffer
		for _, v := range header {
			binary.Write(&b, binary.BigEndian, v)
		}
		b.Write(body)
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		w.Write(b.Bytes())
		w.Close()
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), z.Bytes(), 0o644))
	}
	for _, f := range []struct {
		prefix string
		n      int
	}{{"train", n}, {"t10k", 3}} {
		pixels, labels := make([]byte, 784*f.n), make([]byte, f.n)
		for i := range f.n {
			for j := range 784 {
				pixels[784*i+j] = byte(7*i + j)
			}
			labels[i] = byte(i % 10)
		}
		write(f.prefix+"-images-idx3-ubyte.gz", []uint32{2051, uint32(f.n), 28, 28}, pixels)
		write(f.prefix+"-labels-idx1-ubyte.gz", []uint32{2049, uint32(f.n)}, labels)
	}
	return dir
}

func TestMNISTBatch(t *testing.T) {
	dir := writeMNIST(t, 10005)
	for _, c := range derive.Conventions {
		p, err := MNISTBatch(Spec{Convention: c, Sizes: []int{784, 3, 10}, Batch: 3, Seed: 1}, dir)
		require.NoError(t, err)
		X := derive.Batch(p.X, c, derive.Row) // one image a row
		Y := derive.Batch(p.Y, c, derive.Row)
		for i := range 3 {
			for j := range 784 {
				assert.Equal(t, float64(byte(7*i+j))/255, X.At(i, j), "%v image %d pixel %d", c, i, j)
			}
			for k := range 10 {
				want := 0.0
				if k == i%10 {
					want = 1
				}
				assert.Equal(t, want, Y.At(i, k), "%v image %d class %d", c, i, k)
			}
		}
		// The network is the one Random draws from the same spec.
		r, err := Random(Spec{Convention: c, Sizes: []int{784, 3, 10}, Batch: 3, Seed: 1})
		require.NoError(t, err)
		assert.Equal(t, r.Net.Params(nil), p.Net.Params(nil))
	}

	_, err := MNISTBatch(Spec{Sizes: []int{783, 30, 10}, Batch: 3}, dir)
	require.ErrorContains(t, err, "layer sizes 783,30,10 do not fit MNIST: want 784 inputs (one per pixel) and 10 outputs")
	_, err = MNISTBatch(Spec{Sizes: []int{784, 30, 5}, Batch: 3}, dir)
	require.ErrorContains(t, err, "do not fit MNIST")
	_, err = MNISTBatch(Spec{Sizes: []int{784, 10}, Batch: 6}, dir)
	require.ErrorContains(t, err, "batch of 6: the MNIST training set has 5 images")
	_, err = MNISTBatch(Spec{Sizes: []int{784, 10}, Batch: 2}, filepath.Join(dir, "nowhere"))
	require.ErrorContains(t, err, "nowhere")
}

//go:build !js

package problem

import (
	"fmt"

	"github.com/backproof/backproof/data"
	"github.com/backproof/backproof/derive"
)

// MNISTBatch draws the network of s (as Random does) and gives it the first
// s.Batch MNIST training images as its batch, with their one-hot labels as
// targets, laid out for s.Convention. dir is the folder of the MNIST .gz
// files ("" means data.MNISTDir). The spec is validated and the loading
// checked against s.MaxMemory before anything large is read; the network
// must take the images' pixels as inputs and give one output per class
// (784 and 10 for MNIST), else the error says which end does not fit.
//
// It is left out of the page in the browser (GOOS=js), which has no MNIST
// files to read.
func MNISTBatch(s Spec, dir string) (*Problem, error) {
	p, err := Random(s)
	if err != nil {
		return nil, err
	}
	train, _, _, err := data.LoadMNISTWithin(dir, data.Unit, s.MaxMemory)
	if err != nil {
		return nil, err
	}
	_, pixels := train.X.Dims()
	in, out := s.Sizes[0], s.Sizes[len(s.Sizes)-1]
	if in != pixels || out != train.Classes {
		return nil, fmt.Errorf("layer sizes %s do not fit MNIST: want %d inputs (one per pixel) and %d outputs (one per class), as in %d,30,%d",
			joinInts(s.Sizes), pixels, train.Classes, pixels, train.Classes)
	}
	if s.Batch > train.Len() {
		return nil, fmt.Errorf("batch of %d: the MNIST training set has %d images", s.Batch, train.Len())
	}
	idx := make([]int, s.Batch)
	for i := range idx {
		idx[i] = i
	}
	x, y := train.Batch(idx)
	c := s.Convention
	return &Problem{Net: p.Net, X: derive.Batch(x, derive.Row, c), Y: derive.Batch(y, derive.Row, c)}, nil
}

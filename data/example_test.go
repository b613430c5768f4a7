package data_test

import (
	"fmt"

	"github.com/backproof/backproof/data"
)

func ExampleSynthetic() {
	s, err := data.Synthetic("blobs", 300, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, n := s.X.Dims()
	fmt.Printf("%s: %d examples, %d inputs, %d classes\n", s.Name, m, n, s.Classes)

	x, y := s.Batch([]int{0, 1, 2})
	fmt.Println(x.Dims())
	fmt.Println(y.RawRowView(2))

	_, err = data.Synthetic("moons", 300, 1)
	fmt.Println(err)
	// Output:
	// blobs: 300 examples, 2 inputs, 3 classes
	// 3 2
	// [0 0 1]
	// unknown synthetic set "moons" (valid: xor, spirals, blobs)
}

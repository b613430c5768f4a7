package budget_test

import (
	"fmt"

	"github.com/backproof/backproof/budget"
)

// A check of Nielsen's [784,30,10] network fits easily; one with a first
// layer of 10⁸ units is refused before anything is allocated, with the
// estimate and the limit.
func Example() {
	for _, sizes := range [][]int{{784, 30, 10}, {100000000, 30, 10}} {
		need := budget.Floats(18, budget.Params(sizes)) // the weights and biases, 18 times over
		err := budget.Check(fmt.Sprintf("a check of %v", sizes), need, budget.Default)
		fmt.Printf("%v: %v\n", need, err)
	}
	// Output:
	// 3.28 MiB: <nil>
	// 402 GiB: a check of [100000000 30 10] needs about 402 GiB of memory, more than the limit of 4 GiB
}

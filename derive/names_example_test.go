package derive_test

import (
	"fmt"

	"github.com/backproof/backproof/derive"
)

// The activation list of every command: one name for every layer, two for
// hidden,output, or one per layer.
func ExampleActs_Layers() {
	for _, s := range []string{"sigmoid", "relu,softmax", "relu,tanh,sigmoid,softmax"} {
		acts, err := derive.ParseActs(s)
		if err != nil {
			panic(err)
		}
		layers, err := acts.Layers(4)
		fmt.Println(layers, err)
	}
	acts, _ := derive.ParseActs("relu,tanh,softmax")
	_, err := acts.Layers(4)
	fmt.Println(err)
	// Output:
	// [sigmoid sigmoid sigmoid sigmoid] <nil>
	// [relu relu relu softmax] <nil>
	// [relu tanh sigmoid softmax] <nil>
	// 3 activations for 4 layers (relu,tanh,softmax): give one name for every layer, two for hidden,output, or one per layer
}

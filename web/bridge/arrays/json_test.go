package arrays_test

import (
	"math/rand/v2"
	"testing"

	"github.com/backproof/backproof/internal/jsonio/jsontest"
	"github.com/backproof/backproof/web/bridge/arrays"
)

// TestOutputJSONAsEncodingJSON: the page reads what encoding/json would
// write for Output (bridge.Output's fields, then the heat maps), filled
// at random.
func TestOutputJSONAsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for range 2000 {
		var o arrays.Output
		jsontest.Fill(rng, &o)
		jsontest.Same(t, &o, o.JSON)
	}
}

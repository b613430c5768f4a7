package formula

import (
	"math/rand/v2"
	"testing"

	"github.com/backproof/backproof/internal/jsonio/jsontest"
)

// plainResult is Result without its MarshalJSON: encoding/json writes it
// from the tags, the oracle of the hand-written writer.
type plainResult Result

// TestJSONAsEncodingJSON fills results at random (nil and empty lists,
// omitted fields, strings to escape, floats of every size, dims in any
// order) and compares MarshalJSON's bytes with encoding/json's.
func TestJSONAsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 3000 {
		var r Result
		jsontest.Fill(rng, &r)
		jsontest.Same(t, (*plainResult)(&r), r.MarshalJSON)
	}
}

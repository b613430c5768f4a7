package bridge_test

import (
	"math/rand/v2"
	"testing"

	"github.com/backproof/backproof/internal/jsonio/jsontest"
	"github.com/backproof/backproof/web/bridge"
)

// TestOutputJSONAsEncodingJSON: the page reads what encoding/json would
// write for Output, filled at random.
func TestOutputJSONAsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 2000 {
		var o bridge.Output
		jsontest.Fill(rng, &o)
		jsontest.Same(t, &o, o.JSON)
	}
}

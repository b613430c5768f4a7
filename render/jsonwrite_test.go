package render

import (
	"math/rand/v2"
	"testing"

	"github.com/backproof/backproof/internal/jsonio/jsontest"
)

// TestJSONAsEncodingJSON fills the JSON objects at random (nil and empty
// lists, omitted fields, strings to escape, floats of every size) and
// compares what each writes with what encoding/json writes from its tags.
func TestJSONAsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		var r jsonReport
		jsontest.Fill(rng, &r)
		jsontest.Same(t, &r, r.marshal)
	}
}

// TestJSONRefusesNaN: a number JSON cannot hold is an error, as from
// encoding/json.
func TestJSONRefusesNaN(t *testing.T) {
	var zero float64
	r := jsonReport{Value: zero / zero}
	_, err := r.marshal()
	if err == nil || err.Error() != "json: unsupported value: NaN" {
		t.Fatalf("got %v", err)
	}
}

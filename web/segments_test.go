package web

import (
	"bytes"
	"compress/gzip"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The module's bytes are written here by hand, independently of
// segments.go's writer: LEB128 as the WebAssembly specification defines
// it.

func uleb(v uint64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		if v >>= 7; v == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func sleb(v int64) []byte {
	var b []byte
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// module is a WebAssembly binary with a custom section, the given data
// segments and a second custom section after them.
func module(segs []segment) []byte {
	var data []byte
	data = append(data, uleb(uint64(len(segs)))...)
	for _, s := range segs {
		data = append(data, 0, 0x41)
		data = append(data, sleb(s.addr)...)
		data = append(data, 0x0b)
		data = append(data, uleb(uint64(len(s.data)))...)
		data = append(data, s.data...)
	}
	m := []byte("\x00asm\x01\x00\x00\x00")
	custom := append([]byte{4}, "head"...)
	m = append(append(append(m, 0), uleb(uint64(len(custom)))...), custom...)
	m = append(append(append(m, 11), uleb(uint64(len(data)))...), data...)
	tail := append([]byte{4}, "tail"...)
	return append(append(append(m, 0), uleb(uint64(len(tail)))...), tail...)
}

// image is memory as instantiating a module with segs leaves it: zeros,
// then each segment written at its address, in order.
func image(segs []segment) []byte {
	var mem []byte
	for _, s := range segs {
		if end := int(s.addr) + len(s.data); end > len(mem) {
			mem = append(mem, make([]byte, end-len(mem))...)
		}
		copy(mem[s.addr:], s.data)
	}
	return mem
}

// dataSection reads back the segments of a packed module.
func dataSection(t *testing.T, wasm []byte) []segment {
	t.Helper()
	r := reader{b: wasm, i: 8}
	var segs []segment
	found := false
	for r.i < len(wasm) {
		id, size := r.byte(), r.uint()
		require.NoError(t, r.err)
		if id == 11 {
			var err error
			segs, err = readSegments(wasm[r.i : r.i+int(size)])
			require.NoError(t, err)
			found = true
		}
		r.i += int(size)
	}
	require.True(t, found, "no data section")
	return segs
}

func TestPackSegmentsKeepsMemory(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		// Segments at random gaps (zero, a few bytes, around maxGap, far
		// beyond it), shuffled as Go's linker writes its sections' out of
		// address order.
		var segs []segment
		addr := int64(1024 + rng.IntN(70000))
		for range 1 + rng.IntN(40) {
			data := make([]byte, 1+rng.IntN(300))
			for i := range data {
				data[i] = byte(1 + rng.IntN(255))
			}
			segs = append(segs, segment{addr, data})
			gaps := []int64{0, 1, 8, 23, maxGap - 1, maxGap, maxGap + 1, 200000}
			addr += int64(len(data)) + gaps[rng.IntN(len(gaps))]
		}
		rng.Shuffle(len(segs), func(i, j int) { segs[i], segs[j] = segs[j], segs[i] })
		in := module(segs)
		packed, err := packSegments(in, maxGap)
		require.NoError(t, err)
		out := dataSection(t, packed)
		assert.Equal(t, image(segs), image(out), "trial %d: memory differs", trial)
		for i := 1; i < len(out); i++ {
			gap := out[i].addr - (out[i-1].addr + int64(len(out[i-1].data)))
			assert.GreaterOrEqual(t, gap, int64(maxGap), "trial %d: segments %d and %d are %d bytes apart, not joined", trial, i-1, i, gap)
		}
		// The sections around the data section are kept as they were.
		assert.True(t, bytes.HasPrefix(packed, in[:8+2+5]), "trial %d: the header and first section changed", trial)
		assert.True(t, bytes.HasSuffix(packed, in[len(in)-7:]), "trial %d: the last section changed", trial)
	}
}

func TestPackSegmentsKeepsOverlapsInOrder(t *testing.T) {
	// Two segments writing the same bytes: the later one wins, before and
	// after packing.
	segs := []segment{{100, []byte{1, 1, 1, 1}}, {102, []byte{2, 2, 2, 2}}, {108, []byte{3}}}
	packed, err := packSegments(module(segs), maxGap)
	require.NoError(t, err)
	assert.Equal(t, image(segs), image(dataSection(t, packed)))
	assert.Equal(t, []byte{1, 1, 2, 2, 2, 2, 0, 0, 3}, image(segs)[100:])
}

func TestPackSegmentsRefuses(t *testing.T) {
	good := module([]segment{{64, []byte{1, 2, 3}}})
	passive := bytes.Replace(good, []byte{1, 0, 0x41}, []byte{1, 1, 0x41}, 1)
	require.NotEqual(t, good, passive)
	for name, in := range map[string][]byte{
		"empty":            nil,
		"not wasm":         []byte("<!doctype html><title>404</title>"),
		"section too long": append(good[:len(good)-7], 0, 100, 4),
		"truncated":        good[:len(good)-12],
		"passive segment":  passive,
		"data count":       append(append([]byte{}, good...), 12, 1, 1),
	} {
		_, err := packSegments(in, maxGap)
		assert.Error(t, err, name)
	}
}

// TestPackSegmentsOnTheChecker packs the page's checker as the go tool
// writes it: the memory it starts with is the same, it is a handful of
// segments instead of tens of thousands, and its gzip is smaller. (The
// browser test runs the packed checker.)
func TestPackSegmentsOnTheChecker(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the checker")
	}
	wasm := filepath.Join(t.TempDir(), "checker.wasm")
	build := exec.Command("go", append(append([]string{"build"}, BuildFlags...), "-o", wasm, "./wasm")...)
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	in, err := os.ReadFile(wasm)
	require.NoError(t, err)
	packed, err := packSegments(in, maxGap)
	require.NoError(t, err)

	before, after := dataSection(t, in), dataSection(t, packed)
	assert.Equal(t, image(before), image(after), "the checker's memory differs")
	assert.Greater(t, len(before), 10000, "the go tool wrote few segments: packing may no longer be needed")
	assert.Less(t, len(after), 20)
	zin, zout := gzipped(t, in), gzipped(t, packed)
	t.Logf("%d segments → %d; gzip %d → %d bytes", len(before), len(after), zin, zout)
	assert.Less(t, zout, zin*95/100, "packing saves less than 5%% of the gzip")
}

func gzipped(t *testing.T, b []byte) int {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	require.NoError(t, err)
	_, err = w.Write(b)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Len()
}

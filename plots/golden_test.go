package plots

import (
	"bytes"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var regen = flag.Bool("regen", false, "rewrite the golden PNGs in testdata/ from the current code")

// TestHistoryGolden draws the synthetic plateau record (hand-made numbers,
// no training) and compares every figure with testdata/*_golden.png, as
// gonum/plot tests its plotters: byte for byte on amd64, where the pure-Go
// rasterizer is deterministic; elsewhere pixel by pixel with a tolerance.
// After an intended change to a figure: go test ./plots -run Golden -regen,
// look at the new PNGs, commit them.
func TestHistoryGolden(t *testing.T) {
	dir := t.TempDir()
	files, err := History(plateauHistory(), dir)
	require.NoError(t, err)
	for _, f := range files {
		got, err := os.ReadFile(f)
		require.NoError(t, err)
		matchGolden(t, strings.TrimSuffix(filepath.Base(f), ".png"), got)
	}
}

// matchGolden compares a figure with testdata/NAME_golden.png: byte for
// byte on amd64, pixel by pixel elsewhere; with -regen it rewrites the
// golden file instead.
func matchGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden := filepath.Join("testdata", name+"_golden.png")
	if *regen {
		require.NoError(t, os.WriteFile(golden, got, 0o644))
		return
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "no golden image %s: run go test ./plots -regen", golden)
	if runtime.GOARCH == "amd64" {
		require.True(t, bytes.Equal(got, want), "%s differs from %s (regenerate with -regen if intended)", name, golden)
		return
	}
	samePixels(t, name, got, want)
}

// samePixels allows each colour channel to differ by a little and at most
// 0.5% of pixels to differ at all (anti-aliasing on other architectures).
func samePixels(t *testing.T, name string, got, want []byte) {
	a, err := png.Decode(bytes.NewReader(got))
	require.NoError(t, err)
	b, err := png.Decode(bytes.NewReader(want))
	require.NoError(t, err)
	require.Equal(t, b.Bounds(), a.Bounds(), name)
	var differ, total int
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			total++
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if diff(r1, r2) > 0x1000 || diff(g1, g2) > 0x1000 || diff(b1, b2) > 0x1000 {
				differ++
			}
		}
	}
	require.LessOrEqual(t, float64(differ)/float64(total), 0.005, name)
}

func diff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

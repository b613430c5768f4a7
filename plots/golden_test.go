package plots

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot/cmpimg"
)

// regen is -regen: rewrite the golden PNGs in testdata/ from the current
// code. cmpimg defines the flag, with the meaning it has here.
var regen = cmpimg.GenerateTestData

// TestHistoryGolden draws the synthetic plateau record (hand-made numbers,
// no training) and compares every figure with testdata/*_golden.png, as
// gonum/plot tests its plotters (matchGolden). After an intended change to
// a figure: go test ./plots -run Golden -regen, look at the new PNGs,
// commit them.
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

// goldenDelta is how far a pixel may be from the golden one, as gonum/plot's
// cmpimg.EqualApprox measures it: the perceived colour difference in NTSC
// YIQ space, as a fraction of the largest there is (0 for the same colour,
// 1 for black against white). 0.05 lets the anti-aliased edges of another
// rasterizer or architecture differ a little, and still catches a moved
// line, a changed colour or different text (TestMatchGoldenCatches).
const goldenDelta = 0.05

// matchGolden compares a figure with testdata/NAME_golden.png pixel by
// pixel, the decoded images and not their bytes, so that another PNG
// encoder or compression level changes nothing; with -regen it rewrites
// the golden file instead. On a mismatch it writes the figure and an image
// of the differences (cmpimg.Diff: black where equal) beside each other in
// the folder $BACKPROOF_GOLDEN_DIFFS or, unset, the system's temporary
// folder, and says where.
func matchGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden := filepath.Join("testdata", name+"_golden.png")
	if *regen {
		require.NoError(t, os.WriteFile(golden, got, 0o644))
		return
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "no golden image %s: run go test ./plots -regen", golden)
	if msg := goldenMismatch(name, got, want); msg != "" {
		t.Error(msg)
	}
}

// goldenMismatch compares got with want as matchGolden does: "" when they
// match, else what differs and where the images of the difference are.
func goldenMismatch(name string, got, want []byte) string {
	ok, err := cmpimg.EqualApprox("png", got, want, goldenDelta)
	if err != nil {
		return fmt.Sprintf("%s: %v", name, err)
	}
	if ok {
		return ""
	}
	a, err := png.Decode(bytes.NewReader(got))
	if err != nil {
		return fmt.Sprintf("%s: %v", name, err)
	}
	b, err := png.Decode(bytes.NewReader(want))
	if err != nil {
		return fmt.Sprintf("%s golden: %v", name, err)
	}
	msg := fmt.Sprintf("%s differs from testdata/%s_golden.png by more than %g (sizes %v and %v); regenerate with -regen if intended",
		name, name, goldenDelta, a.Bounds().Size(), b.Bounds().Size())
	dir := os.Getenv("BACKPROOF_GOLDEN_DIFFS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "backproof-golden-diffs")
	}
	diff := image.NewRGBA64(a.Bounds().Union(b.Bounds()))
	cmpimg.Diff(diff, a, b)
	var raw bytes.Buffer
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return msg + fmt.Sprintf("; no diff image: %v", err)
	}
	if err := png.Encode(&raw, diff); err == nil {
		err = os.WriteFile(filepath.Join(dir, name+"_diff.png"), raw.Bytes(), 0o644)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), got, 0o644); err != nil {
		return msg + fmt.Sprintf("; no diff image: %v", err)
	}
	return msg + fmt.Sprintf("; the figure and its differences: %s and %s",
		filepath.Join(dir, name+".png"), filepath.Join(dir, name+"_diff.png"))
}

// TestMatchGoldenCatches tests the comparison itself on a golden figure:
// the same pixels encoded otherwise match, and so do colours nudged by
// 2/255 as another rasterizer's anti-aliasing might; a short black stroke
// across the figure does not, and leaves the figure and an image of the
// differences, non-black exactly where the stroke is.
func TestMatchGoldenCatches(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("testdata", "cost_golden.png"))
	require.NoError(t, err)
	img, err := png.Decode(bytes.NewReader(want))
	require.NoError(t, err)
	rgba := image.NewRGBA(img.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	encode := func(m image.Image, level png.CompressionLevel) []byte {
		var b bytes.Buffer
		require.NoError(t, (&png.Encoder{CompressionLevel: level}).Encode(&b, m))
		return b.Bytes()
	}
	dir := t.TempDir()
	t.Setenv("BACKPROOF_GOLDEN_DIFFS", dir)

	other := encode(rgba, png.BestSpeed)
	require.False(t, bytes.Equal(other, want), "another compression gives other bytes")
	assert.Empty(t, goldenMismatch("re-encoded", other, want))

	nudged := image.NewRGBA(rgba.Bounds())
	copy(nudged.Pix, rgba.Pix)
	for i := range nudged.Pix {
		if i%4 != 3 && nudged.Pix[i] >= 2 {
			nudged.Pix[i] -= 2
		}
	}
	assert.Empty(t, goldenMismatch("nudged", encode(nudged, png.DefaultCompression), want))

	stroked := image.NewRGBA(rgba.Bounds())
	copy(stroked.Pix, rgba.Pix)
	b := stroked.Bounds()
	y := b.Min.Y + b.Dy()/2
	for x := b.Min.X + b.Dx()/3; x < b.Min.X+b.Dx()/3+20; x++ {
		stroked.Set(x, y, color.Black)
	}
	msg := goldenMismatch("stroked", encode(stroked, png.DefaultCompression), want)
	require.Contains(t, msg, "stroked differs")
	diffRaw, err := os.ReadFile(filepath.Join(dir, "stroked_diff.png"))
	require.NoError(t, err, msg)
	diff, err := png.Decode(bytes.NewReader(diffRaw))
	require.NoError(t, err)
	var marked int
	for yy := b.Min.Y; yy < b.Max.Y; yy++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := diff.At(x, yy).RGBA()
			if r|g|bl != 0 {
				marked++
				assert.Equal(t, y, yy, "only the stroke's row differs")
			}
		}
	}
	assert.Positive(t, marked, "the stroke shows in the diff image")
	assert.LessOrEqual(t, marked, 20)
	assert.FileExists(t, filepath.Join(dir, "stroked.png"))
}

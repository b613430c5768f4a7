package gradfile

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backproof/backproof"
	"github.com/backproof/backproof/problem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// TestReadSameAsLoad: Read and ReadArrays, given a file's or a folder's
// bytes, return what Load returns for its path, every array and error.
func TestReadSameAsLoad(t *testing.T) {
	problems, err := filepath.Glob("testdata/*-problem.json")
	require.NoError(t, err)
	n := 0
	for _, prob := range problems {
		p, err := problem.Load(prob)
		require.NoError(t, err)
		grads, err := filepath.Glob(strings.TrimSuffix(prob, "problem.json") + "*")
		require.NoError(t, err)
		for _, path := range append(grads, "testdata/row-missing-1m.npz") {
			if path == prob || strings.HasSuffix(path, ".py") {
				continue
			}
			want, wantErr := Load(path, p)
			info, err := os.Stat(path)
			require.NoError(t, err)
			var got = want
			var gotErr error
			if info.IsDir() {
				names, err := filepath.Glob(filepath.Join(path, "*.npy"))
				require.NoError(t, err)
				arrays := map[string][]byte{}
				for _, f := range names {
					arrays[filepath.Base(f)], err = os.ReadFile(f)
					require.NoError(t, err)
				}
				got, gotErr = ReadArrays(path, arrays, p)
			} else {
				data, err := os.ReadFile(path)
				require.NoError(t, err)
				got, gotErr = Read(path, data, p, 0)
			}
			if wantErr != nil {
				assert.EqualError(t, gotErr, wantErr.Error(), path)
				continue
			}
			require.NoError(t, gotErr, path)
			assert.Equal(t, show(want), show(got), path) // as text: NaN is not equal to itself
			n++
		}
	}
	assert.Greater(t, n, 40)

	_, err = Read("mine.npy", []byte("\x93NUMPY"), nil, 0)
	assert.ErrorContains(t, err, "mine.npy: a .npy file holds one array")
	_, err = Read("mine.txt", nil, nil, 0)
	assert.ErrorContains(t, err, "mine.txt: want an .npz archive, a .json file, or .npy files")
}

// show prints a gradient whole, NaN as NaN.
func show(g *backproof.Gradient) string {
	var b strings.Builder
	for i := range g.DW {
		fmt.Fprintf(&b, "dW%d %v\ndb%d %v\n", i+1, mat.Formatted(g.DW[i]), i+1, g.DB[i])
		if g.DBMatrix[i] != nil {
			fmt.Fprintf(&b, "db%d matrix %v\n", i+1, mat.Formatted(g.DBMatrix[i]))
		}
	}
	fmt.Fprintf(&b, "source %s float32 %v", g.Source, g.Float32)
	return b.String()
}

// TestNPZForms: the arrays of row-right.npz, saved again by numpy with
// np.savez_compressed, dW1 big-endian and dW2 in column-major order
// (testdata/gen_npz_forms.py), read as the same numbers, bit for bit.
func TestNPZForms(t *testing.T) {
	p, err := problem.Load("testdata/row-problem.json")
	require.NoError(t, err)
	want, err := Load("testdata/row-right.npz", p)
	require.NoError(t, err)
	got, err := Load("testdata/row-right-compressed.npz", p)
	require.NoError(t, err)
	for ℓ := range want.DW {
		assert.Equal(t, want.DW[ℓ].RawMatrix(), got.DW[ℓ].RawMatrix(), "dW%d", ℓ+1)
		assert.Equal(t, want.DB[ℓ], got.DB[ℓ], "db%d", ℓ+1)
		if want.DBMatrix[ℓ] != nil {
			assert.Equal(t, want.DBMatrix[ℓ].RawMatrix(), got.DBMatrix[ℓ].RawMatrix(), "db%d", ℓ+1)
		}
	}
}

// TestNPZDamaged: an .npz cut short at every length, or with any one byte
// changed, is read or refused with an error, never a crash.
func TestNPZDamaged(t *testing.T) {
	p, err := problem.Load("testdata/row-problem.json")
	require.NoError(t, err)
	for _, name := range []string{"testdata/row-right.npz", "testdata/row-right-compressed.npz"} {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		for n := range len(data) {
			_, err := Read("cut.npz", data[:n], p, 0)
			assert.Error(t, err, "%s cut at %d bytes", name, n)
		}
		for i := range data {
			for _, b := range []byte{0x00, 0xff, data[i] ^ 0x01} {
				d := append([]byte(nil), data...)
				d[i] = b
				assert.NotPanics(t, func() { Read("changed.npz", d, p, 0) }, "%s with byte %d = %#x", name, i, b)
			}
		}
	}
}

// TestNPZZip64: row-right.npz with its directory found through zip64's
// end record and locator, as a zip writer puts them for an archive too
// large for the classic fields (which then hold all ones), reads as the
// same arrays. The records are written here as the zip format (APPNOTE
// 4.3.14 to 4.3.16) lays them out.
func TestNPZZip64(t *testing.T) {
	p, err := problem.Load("testdata/row-problem.json")
	require.NoError(t, err)
	want, err := Load("testdata/row-right.npz", p)
	require.NoError(t, err)
	data, err := os.ReadFile("testdata/row-right.npz")
	require.NoError(t, err)
	end := data[len(data)-22:]
	require.Equal(t, []byte("PK\x05\x06"), end[:4], "no comment after the end record")
	le := binary.LittleEndian
	at := uint64(len(data) - 22)
	z := append([]byte(nil), data[:at]...)
	z = le.AppendUint32(z, 0x06064b50)
	z = le.AppendUint64(z, 44)
	z = le.AppendUint16(z, 45)
	z = le.AppendUint16(z, 45)
	z = le.AppendUint32(z, 0)
	z = le.AppendUint32(z, 0)
	z = le.AppendUint64(z, uint64(le.Uint16(end[8:])))
	z = le.AppendUint64(z, uint64(le.Uint16(end[10:])))
	z = le.AppendUint64(z, uint64(le.Uint32(end[12:])))
	z = le.AppendUint64(z, uint64(le.Uint32(end[16:])))
	z = le.AppendUint32(z, 0x07064b50)
	z = le.AppendUint32(z, 0)
	z = le.AppendUint64(z, at)
	z = le.AppendUint32(z, 1)
	z = append(z, end[:8]...)
	z = append(z, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0)
	got, err := Read("testdata/row-right.npz", z, p, 0)
	require.NoError(t, err)
	assert.Equal(t, show(want), show(got))
}

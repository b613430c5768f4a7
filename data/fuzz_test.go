package data

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backproof/backproof/budget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fuzzMNIST writes payload (gzipped unless raw) as the file name of an
// otherwise valid fixture and loads it under a 64 MiB limit. Whatever the
// bytes, the loader returns the three sets or an error that is a
// *FileError naming a file, or a *budget.Error; never a panic, and never
// an allocation the limit did not allow. Sets it returns hold what MNIST
// holds: pixels in [0,1], labels 0..9, one label per image.
func fuzzMNIST(t *testing.T, dir, name string, payload []byte, raw bool) {
	data := payload
	if !raw {
		data = gz(payload)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	tr, va, te, err := LoadMNISTWithin(dir, Unit, 64<<20)
	if err != nil {
		var fe *FileError
		var be *budget.Error
		if !errors.As(err, &be) {
			require.True(t, errors.As(err, &fe), "%T: %v", err, err)
			assert.True(t, strings.HasPrefix(fe.File, dir), "names a file of the set: %s", fe.File)
		}
		return
	}
	for _, s := range []*Set{tr, va, te} {
		r, c := s.X.Dims()
		require.Equal(t, s.Len(), r)
		require.Positive(t, c)
		for _, l := range s.Labels {
			require.True(t, l >= 0 && l <= 9, "label %d", l)
		}
		for _, x := range s.X.RawMatrix().Data {
			require.True(t, x >= 0 && x <= 1, "pixel %g", x)
		}
	}
}

// FuzzMNISTImages fuzzes the inflated content of the training images file:
// its magic number, its header (counts and sizes that cannot be true, or
// that would not fit the limit) and its pixels.
//
// CI: go test ./data -run '^$' -fuzz '^FuzzMNISTImages$' -fuzztime 15s
func FuzzMNISTImages(f *testing.F) {
	f.Add(idxImages(2051, fixTrain, fixRows, fixCols, func(i, j int) byte { return pixel("train", i, j) }))
	f.Add(imagesHeader(2051, fixTrain, fixRows, fixCols))               // no pixels
	f.Add(imagesHeader(2051, 1369000, 28, 28))                          // the report's header: 9.6 GB as float64
	f.Add(imagesHeader(2051, 0xffffffff, 0xffffffff, 0xffffffff))       // products overflow
	f.Add(imagesHeader(2049, fixTrain, fixRows, fixCols))               // a labels magic number
	f.Add(append(imagesHeader(2051, fixTrain, 0, fixCols), 1, 2, 3, 4)) // zero rows
	f.Add([]byte{0, 0, 8, 3})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, payload []byte) {
		d := t.TempDir()
		require.NoError(t, os.CopyFS(d, os.DirFS(fixtureOnce(t, dir))))
		fuzzMNIST(t, d, trainImagesFile, payload, false)
	})
}

// FuzzMNISTLabels fuzzes the inflated content of the training labels file.
//
// CI: go test ./data -run '^$' -fuzz '^FuzzMNISTLabels$' -fuzztime 15s
func FuzzMNISTLabels(f *testing.F) {
	f.Add(idxLabels(2049, labelsOf(fixTrain)))
	f.Add(idxLabels(2049, labelsOf(3)))
	f.Add(append(idxLabels(2049, nil)[:4], 0xff, 0xff, 0xff, 0xff))
	f.Add(idxLabels(2049, []byte{1, 2, 10}))
	f.Add(idxLabels(2051, labelsOf(fixTrain)))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, payload []byte) {
		d := t.TempDir()
		require.NoError(t, os.CopyFS(d, os.DirFS(fixtureOnce(t, dir))))
		fuzzMNIST(t, d, trainLabelsFile, payload, false)
	})
}

// FuzzMNISTGzip fuzzes the test images file as stored: the gzip layer,
// its checksum, and what follows the data the header announces.
//
// CI: go test ./data -run '^$' -fuzz '^FuzzMNISTGzip$' -fuzztime 15s
func FuzzMNISTGzip(f *testing.F) {
	valid := gz(idxImages(2051, fixTest, fixRows, fixCols, func(i, j int) byte { return pixel("test", i, j) }))
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add(gz(append(idxImages(2051, fixTest, fixRows, fixCols, func(i, j int) byte { return 0 }), make([]byte, maxTrailing+1)...)))
	f.Add(idxImages(2051, fixTest, fixRows, fixCols, func(i, j int) byte { return 0 })) // not gzipped
	f.Add([]byte{})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, stored []byte) {
		d := t.TempDir()
		require.NoError(t, os.CopyFS(d, os.DirFS(fixtureOnce(t, dir))))
		fuzzMNIST(t, d, testImagesFile, stored, true)
	})
}

// fixtureOnce writes the valid fixture into dir the first time and
// returns dir.
func fixtureOnce(t *testing.T, dir string) string {
	if _, err := os.Stat(filepath.Join(dir, testLabelsFile)); err == nil {
		return dir
	}
	src := writeFixture(t)
	require.NoError(t, os.CopyFS(dir, os.DirFS(src)))
	return dir
}

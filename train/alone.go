package train

import "unsafe"

// alone returns n zero values that start on a cache line and share their
// first and last lines with no other slice. The measuring's parts run side
// by side on different cores, and beside the training while an epoch is
// measured behind it, each writing its buffers example after example; two
// small buffers sharing a 64-byte line would have the cores take the line
// from each other at every write (false sharing), which cost a fifth of
// the measuring's time on two cores. Starting on a line keeps a padded
// row of 32 float64 on four whole lines, as the kernels' 64-byte loads
// want (a row split across lines cost a fifth of an epoch).
func alone[T any](n int) []T {
	var zero T
	line := 64 / int(unsafe.Sizeof(zero)) // values a line (T is at most 64 bytes)
	s := make([]T, n+3*line)
	start := line
	if off := uintptr(unsafe.Pointer(&s[0])) % 64; off != 0 {
		start += int((64 - off) / unsafe.Sizeof(zero))
	}
	return s[start : start+n : start+n]
}

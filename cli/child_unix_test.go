//go:build unix

package cli

import "golang.org/x/sys/unix"

// setFileSizeLimit limits the files this process writes to n bytes, as
// `ulimit -f` does; a write past it fails with EFBIG (Go ignores SIGXFSZ).
func setFileSizeLimit(n uint64) error {
	return unix.Setrlimit(unix.RLIMIT_FSIZE, &unix.Rlimit{Cur: n, Max: n})
}

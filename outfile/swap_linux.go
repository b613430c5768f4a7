package outfile

import (
	"errors"

	"golang.org/x/sys/unix"
)

// swap exchanges the folders stage and target in one step (renameat2 with
// RENAME_EXCHANGE, Linux 3.15 and later), so that target is never missing;
// a file system without it gets renameDance.
func swap(stage, target string) error {
	err := unix.Renameat2(unix.AT_FDCWD, stage, unix.AT_FDCWD, target, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EOPNOTSUPP) {
		return renameDance(stage, target)
	}
	return err
}

//go:build !linux

package outfile

// swap replaces the folder target by stage: two renames, since only Linux
// can exchange two folders in one step.
func swap(stage, target string) error { return renameDance(stage, target) }

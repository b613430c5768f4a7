package gradfile

import (
	"compress/flate"
	"encoding/binary"
	"errors"
	"io"

	"github.com/backproof/backproof/internal/printf"
)

// An .npz archive is a zip file of .npy files, each stored (np.savez) or
// deflated (np.savez_compressed), with zip64 fields (numpy asks for
// them). This reader reads only that much of the zip format: the central
// directory, and each member's local header and data. It is backproof's
// own rather than archive/zip's, which registers a deflate compressor the
// page in the browser would carry for nothing (0.1 MB compressed).

// zipMember is one file of an archive, as its central directory says.
type zipMember struct {
	method       uint16 // 0 stored, 8 deflated
	flags        uint16
	packed, size uint64 // compressed and uncompressed sizes
	offset       uint64 // of its local header
}

const (
	sigEnd      = 0x06054b50 // end of central directory
	sigEnd64    = 0x06064b50 // zip64 end of central directory
	sigLocator  = 0x07064b50 // zip64 end of central directory locator
	sigCentral  = 0x02014b50
	sigLocal    = 0x04034b50
	extraZip64  = 0x0001
	maxComment  = 0xffff
	endSize     = 22
	locatorSize = 20
	end64Size   = 56
	centralSize = 46
	localSize   = 30
)

// zipFiles reads the central directory of the archive r of size bytes:
// its members by name.
func zipFiles(r io.ReaderAt, size int64) (map[string]zipMember, error) {
	if size < endSize {
		return nil, errors.New("too short for a zip archive")
	}
	// The end record is in the last 22 bytes, or before a comment.
	tail := make([]byte, min(size, endSize+maxComment))
	if _, err := r.ReadAt(tail, size-int64(len(tail))); err != nil && err != io.EOF {
		return nil, err
	}
	at := -1
	for i := len(tail) - endSize; i >= 0; i-- {
		if binary.LittleEndian.Uint32(tail[i:]) == sigEnd {
			at = i
			break
		}
	}
	if at < 0 {
		return nil, errors.New("no zip directory at its end")
	}
	end := tail[at:]
	count := uint64(binary.LittleEndian.Uint16(end[10:]))
	dirSize := uint64(binary.LittleEndian.Uint32(end[12:]))
	dirAt := uint64(binary.LittleEndian.Uint32(end[16:]))
	endAt := size - int64(len(tail)) + int64(at)
	if count == 0xffff || dirSize == 0xffffffff || dirAt == 0xffffffff {
		// zip64: the locator just before the end record points to the
		// zip64 end record, which holds the full sizes.
		loc := make([]byte, locatorSize)
		if endAt < locatorSize {
			return nil, errors.New("a zip64 archive without its locator")
		}
		if _, err := r.ReadAt(loc, endAt-locatorSize); err != nil || binary.LittleEndian.Uint32(loc) != sigLocator {
			return nil, errors.New("a zip64 archive without its locator")
		}
		at64 := binary.LittleEndian.Uint64(loc[8:])
		end64 := make([]byte, end64Size)
		if at64 > uint64(size)-end64Size {
			return nil, errors.New("its zip64 directory is past its end")
		}
		if _, err := r.ReadAt(end64, int64(at64)); err != nil || binary.LittleEndian.Uint32(end64) != sigEnd64 {
			return nil, errors.New("its zip64 directory is not where its locator says")
		}
		count = binary.LittleEndian.Uint64(end64[32:])
		dirSize = binary.LittleEndian.Uint64(end64[40:])
		dirAt = binary.LittleEndian.Uint64(end64[48:])
	}
	if dirAt > uint64(size) || dirSize > uint64(size)-dirAt || count > dirSize/centralSize {
		return nil, errors.New("its directory is not within the file")
	}
	dir := make([]byte, dirSize)
	if _, err := r.ReadAt(dir, int64(dirAt)); err != nil && err != io.EOF {
		return nil, err
	}
	files := map[string]zipMember{}
	for range count {
		if len(dir) < centralSize || binary.LittleEndian.Uint32(dir) != sigCentral {
			return nil, errors.New("its directory is damaged")
		}
		m := zipMember{
			flags:  binary.LittleEndian.Uint16(dir[8:]),
			method: binary.LittleEndian.Uint16(dir[10:]),
			packed: uint64(binary.LittleEndian.Uint32(dir[20:])),
			size:   uint64(binary.LittleEndian.Uint32(dir[24:])),
			offset: uint64(binary.LittleEndian.Uint32(dir[42:])),
		}
		nameLen, extraLen, commentLen := int(binary.LittleEndian.Uint16(dir[28:])), int(binary.LittleEndian.Uint16(dir[30:])), int(binary.LittleEndian.Uint16(dir[32:]))
		if len(dir) < centralSize+nameLen+extraLen+commentLen {
			return nil, errors.New("its directory is damaged")
		}
		name := string(dir[centralSize : centralSize+nameLen])
		extra := dir[centralSize+nameLen : centralSize+nameLen+extraLen]
		for len(extra) >= 4 {
			id, n := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
			if n > len(extra)-4 {
				break
			}
			if id == extraZip64 {
				// The 64-bit values of the fields that are all ones, in order.
				f := extra[4 : 4+n]
				for _, v := range []*uint64{&m.size, &m.packed, &m.offset} {
					if *v == 0xffffffff && len(f) >= 8 {
						*v, f = binary.LittleEndian.Uint64(f), f[8:]
					}
				}
			}
			extra = extra[4+n:]
		}
		dir = dir[centralSize+nameLen+extraLen+commentLen:]
		files[name] = m
	}
	return files, nil
}

// open is the member's uncompressed content.
func (m zipMember) open(r io.ReaderAt, size int64) (io.Reader, error) {
	switch {
	case m.flags&1 != 0:
		return nil, errors.New("it is encrypted")
	case m.method != 0 && m.method != 8:
		return nil, printf.Errorf("compressed by method %d; np.savez stores and np.savez_compressed deflates (8)", m.method)
	case m.offset > uint64(size) || uint64(size)-m.offset < localSize:
		return nil, errors.New("its data is past the end of the archive")
	}
	local := make([]byte, localSize)
	if _, err := r.ReadAt(local, int64(m.offset)); err != nil || binary.LittleEndian.Uint32(local) != sigLocal {
		return nil, errors.New("its local header is damaged")
	}
	start := m.offset + localSize + uint64(binary.LittleEndian.Uint16(local[26:])) + uint64(binary.LittleEndian.Uint16(local[28:]))
	if start > uint64(size) || m.packed > uint64(size)-start {
		return nil, errors.New("its data is past the end of the archive")
	}
	data := io.NewSectionReader(r, int64(start), int64(m.packed))
	if m.method == 0 {
		return data, nil
	}
	return io.LimitReader(flate.NewReader(data), int64(min(m.size, 1<<62))), nil
}

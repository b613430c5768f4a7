package web

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
)

// Go's linker writes the checker's memory image (strings, type data, the
// function table) as some 80,000 data segments, starting a new one at
// every run of eight zero bytes or more, so that the zeros are not in the
// file. That is right for the raw file and wrong for its gzip: each
// segment's header (its address and length, 5 to 8 bytes that never
// repeat) compresses hardly at all, while a run of zeros costs gzip a
// byte or two. The headers took about 135 kB of the 1.5 MB the whole
// site may weigh compressed. packSegments writes the same image as a few
// segments, keeping apart only those separated by maxGap zeros or more.

// maxGap is the longest run of zeros packSegments writes into the file
// to join two segments: 4 KiB of zeros gzip to about 20 bytes, as much
// as three segment headers.
const maxGap = 4096

// segment is an active data segment of memory 0: data, written at addr
// when the module is instantiated.
type segment struct {
	addr int64
	data []byte
}

// packSegments returns wasm, a WebAssembly module, with its data section's
// segments joined wherever fewer than gap zero bytes separate them. The
// memory the module starts with is the same byte for byte (memory starts
// zeroed, and the joined gaps are written as zeros); nothing else in the
// module changes. A module that is not a WebAssembly binary, or whose
// data section holds a segment of another kind than Go writes (active,
// memory 0, an i32.const address), is refused with the reason.
func packSegments(wasm []byte, gap int64) ([]byte, error) {
	if len(wasm) < 8 || string(wasm[:4]) != "\x00asm" {
		return nil, errors.New("not a WebAssembly module (no \\0asm magic)")
	}
	out := append([]byte(nil), wasm[:8]...)
	for r := (reader{b: wasm, i: 8}); r.i < len(wasm); {
		start := r.i
		id := r.byte()
		size := r.uint()
		if r.err == nil && size > uint64(len(wasm)-r.i) {
			r.fail("section " + strconv.Itoa(int(id)) + " runs past the end of the file")
		}
		if r.err != nil {
			return nil, r.err
		}
		body := wasm[r.i : r.i+int(size)]
		r.i += int(size)
		switch id {
		case 11: // data
			segs, err := readSegments(body)
			if err != nil {
				return nil, err
			}
			out = appendSection(out, 11, appendSegments(nil, join(segs, gap)))
		case 12: // data count, which must equal the data section's
			return nil, errors.New("a data count section (bulk memory): not written by Go, not rewritten here")
		default:
			out = append(out, wasm[start:r.i]...)
		}
	}
	return out, nil
}

// readSegments reads a data section's segments.
func readSegments(body []byte) ([]segment, error) {
	r := reader{b: body}
	n := r.uint()
	var segs []segment
	for k := uint64(0); k < n && r.err == nil; k++ {
		if kind := r.byte(); kind != 0 {
			r.fail("data segment " + strconv.FormatUint(k, 10) + " is not an active segment of memory 0 (kind " + strconv.Itoa(int(kind)) + ")")
			break
		}
		if op := r.byte(); op != 0x41 { // i32.const
			r.fail("data segment " + strconv.FormatUint(k, 10) + "'s address is not an i32.const")
			break
		}
		addr := r.int()
		if end := r.byte(); end != 0x0b {
			r.fail("data segment " + strconv.FormatUint(k, 10) + "'s address expression does not end after its constant")
			break
		}
		size := r.uint()
		if r.err == nil && size > uint64(len(body)-r.i) {
			r.fail("data segment " + strconv.FormatUint(k, 10) + " runs past the end of the data section")
		}
		if r.err != nil {
			break
		}
		segs = append(segs, segment{addr, body[r.i : r.i+int(size)]})
		r.i += int(size)
	}
	if r.err == nil && r.i != len(body) {
		r.fail("the data section has bytes after its last segment")
	}
	return segs, r.err
}

// join sorts segs by address (Go writes its sections' segments in another
// order) and joins those fewer than gap zero bytes apart. Segments that
// overlap are kept apart, in their order, so that the later one still
// writes over the earlier.
func join(segs []segment, gap int64) []segment {
	segs = slices.Clone(segs)
	slices.SortStableFunc(segs, func(a, b segment) int { return cmp.Compare(a.addr, b.addr) })
	var out []segment
	for _, s := range segs {
		if n := len(out); n > 0 {
			last := &out[n-1]
			end := last.addr + int64(len(last.data))
			if s.addr >= end && s.addr-end < gap {
				data := make([]byte, 0, s.addr+int64(len(s.data))-last.addr)
				data = append(data, last.data...)
				data = append(data, make([]byte, s.addr-end)...)
				last.data = append(data, s.data...)
				continue
			}
		}
		out = append(out, s)
	}
	return out
}

// appendSegments appends a data section's body holding segs.
func appendSegments(b []byte, segs []segment) []byte {
	b = appendUint(b, uint64(len(segs)))
	for _, s := range segs {
		b = append(b, 0, 0x41)
		b = appendInt(b, s.addr)
		b = append(b, 0x0b)
		b = appendUint(b, uint64(len(s.data)))
		b = append(b, s.data...)
	}
	return b
}

func appendSection(b []byte, id byte, body []byte) []byte {
	b = append(b, id)
	b = appendUint(b, uint64(len(body)))
	return append(b, body...)
}

// appendUint appends v as an unsigned LEB128 number.
func appendUint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// appendInt appends v as a signed LEB128 number.
func appendInt(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// reader reads a WebAssembly binary's bytes and LEB128 numbers, keeping
// the first error.
type reader struct {
	b   []byte
	i   int
	err error
}

func (r *reader) fail(msg string) {
	if r.err == nil {
		r.err = errors.New(msg + " (at byte " + strconv.Itoa(r.i) + ")")
	}
}

func (r *reader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.i >= len(r.b) {
		r.fail("the module ends early")
		return 0
	}
	r.i++
	return r.b[r.i-1]
}

// uint reads an unsigned LEB128 number of at most 64 bits.
func (r *reader) uint() uint64 {
	var v uint64
	for shift := 0; shift < 64; shift += 7 {
		c := r.byte()
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	r.fail("a number longer than 64 bits")
	return 0
}

// int reads a signed LEB128 number of at most 64 bits.
func (r *reader) int() int64 {
	var v int64
	for shift := 0; shift < 64; shift += 7 {
		c := r.byte()
		v |= int64(c&0x7f) << shift
		if c < 0x80 {
			if shift+7 < 64 && c&0x40 != 0 {
				v |= -1 << (shift + 7)
			}
			return v
		}
	}
	r.fail("a number longer than 64 bits")
	return 0
}

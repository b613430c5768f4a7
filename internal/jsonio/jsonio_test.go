package jsonio

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encoding/json is the oracle of every test here: the same Go values
// through json.Marshal give the Writer's bytes, and the Reader accepts,
// refuses and reads what json.Unmarshal does.

func marshal(t testing.TB, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	return string(raw)
}

func TestStringsAsEncodingJSON(t *testing.T) {
	for _, s := range []string{
		"", "plain", `quote " and \ backslash`, "<b>&amp;</b>", "tab\tnew\nline\rret\bback\fform",
		"\x00\x01\x1f\x7f", "é ∇_z C Ω ℓ", "sep\u2028par\u2029", "bad \xff\xfe utf8 \xed\xa0\x80", "emoji 😀",
		"/slash/", "\u00a0\u200b",
	} {
		got := string(AppendString(nil, s))
		assert.Equal(t, marshal(t, s), got, "%q", s)
	}
}

func TestFloatsAsEncodingJSON(t *testing.T) {
	for _, f := range []float64{
		0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.99999e-7, 1e-7, 1.5e-10, 1e20, 1e21, 123456789e15,
		math.MaxFloat64, math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 1e-100, 3.14159, 2.5e-5, 1e-9,
	} {
		got, err := AppendFloat(nil, f)
		require.NoError(t, err)
		assert.Equal(t, marshal(t, f), string(got), "%v", f)
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		_, err := AppendFloat(nil, f)
		_, want := json.Marshal(f)
		require.Error(t, err)
		assert.Equal(t, want.Error(), err.Error())
	}
}

// sample is a value of the shapes backproof writes, written by hand with
// the Writer and by encoding/json from its tags.
type sample struct {
	Name   string         `json:"name"`
	N      int            `json:"n"`
	Seed   uint64         `json:"seed"`
	Pass   bool           `json:"pass"`
	Rel    *float64       `json:"rel"`
	Rows   [][]float64    `json:"rows"`
	List   []float64      `json:"list"`
	Words  []string       `json:"words"`
	Inner  *sample        `json:"inner,omitempty"`
	Many   []sample       `json:"many"`
	Shape  [2]int         `json:"shape"`
	Dims   map[string]int `json:"dims"`
	Option string         `json:"option,omitempty"`
}

func (s *sample) write(w *Writer) {
	w.BeginObject()
	w.Key("name")
	w.String(s.Name)
	w.Key("n")
	w.Int(s.N)
	w.Key("seed")
	w.Uint(s.Seed)
	w.Key("pass")
	w.Bool(s.Pass)
	w.Key("rel")
	w.FloatOrNull(s.Rel)
	w.Key("rows")
	w.Rows(s.Rows)
	w.Key("list")
	w.Floats(s.List)
	w.Key("words")
	w.Strings(s.Words)
	if s.Inner != nil {
		w.Key("inner")
		s.Inner.write(w)
	}
	w.Key("many")
	if s.Many == nil {
		w.Null()
	} else {
		w.BeginArray()
		for i := range s.Many {
			s.Many[i].write(w)
		}
		w.EndArray()
	}
	w.Key("shape")
	w.BeginArray()
	w.Int(s.Shape[0])
	w.Int(s.Shape[1])
	w.EndArray()
	w.Key("dims")
	if s.Dims == nil {
		w.Null()
	} else {
		w.BeginObject()
		for _, k := range []string{"m", "n0", "n1"} { // sorted, as encoding/json sorts a map's keys
			if v, ok := s.Dims[k]; ok {
				w.Key(k)
				w.Int(v)
			}
		}
		w.EndObject()
	}
	if s.Option != "" {
		w.Key("option")
		w.String(s.Option)
	}
	w.EndObject()
}

func randomFloat(rng *rand.Rand) float64 {
	switch rng.IntN(6) {
	case 0:
		return math.Float64frombits(rng.Uint64()) // any bit pattern, NaN and ±Inf left out below
	case 1:
		return float64(rng.IntN(2000) - 1000)
	case 2:
		return rng.NormFloat64() * math.Pow(10, float64(rng.IntN(60)-30))
	case 3:
		return (rng.Float64() - 0.5) * 1e-6 * 2
	case 4:
		return rng.Float64() * 2e21
	}
	return rng.NormFloat64()
}

func finiteFloat(rng *rand.Rand) float64 {
	for {
		if f := randomFloat(rng); !math.IsNaN(f) && !math.IsInf(f, 0) {
			return f
		}
	}
}

func randomString(rng *rand.Rand) string {
	pieces := []string{"a", "Z", " ", "\"", "\\", "/", "<", ">", "&", "\n", "\t", "\x00", "\x1f", "\x7f", "\x80", "\xff",
		"é", "∇", "\u2028", "\u2029", "😀", "\xed\xa0\x80", "\xf0\x9f", "ℓ"}
	var b strings.Builder
	for range rng.IntN(12) {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

func randomSample(rng *rand.Rand, depth int) sample {
	s := sample{Name: randomString(rng), N: rng.IntN(1<<20) - 1<<19, Seed: rng.Uint64(), Pass: rng.IntN(2) == 0,
		Shape: [2]int{rng.IntN(100), rng.IntN(100)}}
	if rng.IntN(2) == 0 {
		f := finiteFloat(rng)
		s.Rel = &f
	}
	if rng.IntN(4) > 0 {
		s.Rows = make([][]float64, rng.IntN(4))
		for i := range s.Rows {
			if rng.IntN(5) > 0 {
				s.Rows[i] = make([]float64, rng.IntN(4))
				for j := range s.Rows[i] {
					s.Rows[i][j] = finiteFloat(rng)
				}
			}
		}
	}
	if rng.IntN(4) > 0 {
		s.List = make([]float64, rng.IntN(5))
		for i := range s.List {
			s.List[i] = finiteFloat(rng)
		}
	}
	if rng.IntN(3) > 0 {
		s.Words = make([]string, rng.IntN(3))
		for i := range s.Words {
			s.Words[i] = randomString(rng)
		}
	}
	if rng.IntN(3) > 0 {
		s.Dims = map[string]int{}
		for _, k := range []string{"n1", "m", "n0"} {
			if rng.IntN(3) > 0 {
				s.Dims[k] = rng.IntN(10)
			}
		}
	}
	if depth < 2 && rng.IntN(3) == 0 {
		in := randomSample(rng, depth+1)
		s.Inner = &in
	}
	if depth < 2 && rng.IntN(2) == 0 {
		s.Many = make([]sample, rng.IntN(3))
		for i := range s.Many {
			s.Many[i] = randomSample(rng, depth+1)
		}
	}
	if rng.IntN(2) == 0 {
		s.Option = randomString(rng)
	}
	return s
}

// TestWriterAsEncodingJSON writes random values both ways, compact and
// indented as problem files are (MarshalIndent(v, "", " ")).
func TestWriterAsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		s := randomSample(rng, 0)
		var w Writer
		s.write(&w)
		got, err := w.Bytes()
		require.NoError(t, err)
		want := marshal(t, s)
		require.Equal(t, want, string(got), "sample %d", i)

		indented, err := Indent(got, "", " ")
		require.NoError(t, err)
		wantIndented, err := json.MarshalIndent(s, "", " ")
		require.NoError(t, err)
		require.Equal(t, string(wantIndented), string(indented), "sample %d indented", i)
		other, err := Indent(got, "> ", "\t")
		require.NoError(t, err)
		wantOther, err := json.MarshalIndent(s, "> ", "\t")
		require.NoError(t, err)
		require.Equal(t, string(wantOther), string(other), "sample %d, another prefix and indent", i)
	}
}

func TestWriterKeepsTheFirstError(t *testing.T) {
	var w Writer
	w.BeginArray()
	w.Float(1)
	w.Float(math.Inf(-1))
	w.Float(math.NaN())
	w.EndArray()
	_, err := w.Bytes()
	var ue *UnsupportedValueError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "json: unsupported value: -Inf", err.Error())
}

func FuzzWriter(f *testing.F) {
	f.Add("a<b>\u2028", 1e-7)
	f.Add("\xff\x00", 1e21)
	f.Fuzz(func(t *testing.T, s string, x float64) {
		assert.Equal(t, marshal(t, s), string(AppendString(nil, s)))
		got, err := AppendFloat(nil, x)
		want, werr := json.Marshal(x)
		if werr != nil {
			require.Error(t, err)
			assert.Equal(t, werr.Error(), err.Error())
			return
		}
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
	})
}

// tree reads one value from r as json.Unmarshal reads it into an any
// (numbers as float64, as Unmarshal gives them).
func tree(t testing.TB, r *Reader, tok Token) any {
	switch tok.Kind {
	case BeginObject:
		obj := map[string]any{}
		for r.More() {
			k, err := r.Next()
			require.NoError(t, err)
			require.Equal(t, String, k.Kind)
			v, err := r.Next()
			require.NoError(t, err)
			obj[k.Text] = tree(t, r, v)
		}
		end, err := r.Next()
		require.NoError(t, err)
		require.Equal(t, EndObject, end.Kind)
		return obj
	case BeginArray:
		list := []any{}
		for r.More() {
			v, err := r.Next()
			require.NoError(t, err)
			list = append(list, tree(t, r, v))
		}
		end, err := r.Next()
		require.NoError(t, err)
		require.Equal(t, EndArray, end.Kind)
		return list
	case String:
		return tok.Text
	case Number:
		var f float64
		require.NoError(t, json.Unmarshal([]byte(tok.Text), &f), "number %q", tok.Text)
		return f
	case True:
		return true
	case False:
		return false
	case Null:
		return nil
	}
	t.Fatalf("token of kind %q", tok.Kind)
	return nil
}

// checkAsUnmarshal reads data whole and compares with json.Unmarshal:
// accepted or refused alike, the same value, the same error at the same
// byte. At the end of the input, where encoding/json reports a space it
// pretends to read ("invalid character ' ' in numeric literal" for "1e"),
// the Reader says "unexpected end of JSON input".
func checkAsUnmarshal(t *testing.T, data []byte) {
	var want any
	werr := json.Unmarshal(data, &want)
	err := Valid(data)
	assert.Equal(t, json.Valid(data), err == nil, "%q: %v / %v", data, err, werr)
	if werr != nil {
		var wse *json.SyntaxError
		if !errors.As(werr, &wse) {
			// A number beyond float64 is valid JSON that Unmarshal cannot
			// hold: Valid accepts it, as json.Valid does.
			assert.NoError(t, err, "%q", data)
			return
		}
		var se *SyntaxError
		require.ErrorAs(t, err, &se, "%q", data)
		pretended := !bytes.HasSuffix(data, []byte(" ")) // else the space is the input's own
		if pretended && wse.Offset == int64(len(data)) && strings.HasPrefix(wse.Error(), "invalid character ' '") {
			assert.Equal(t, "unexpected end of JSON input", se.Msg, "%q", data)
			assert.Equal(t, len(data), se.Offset, "%q", data)
			return
		}
		assert.Equal(t, wse.Error(), se.Msg, "%q", data)
		want := int(wse.Offset)
		if se.Msg != "unexpected end of JSON input" {
			want-- // encoding/json counts the bytes read, the faulty one included
		}
		assert.Equal(t, want, se.Offset, "%q", data)
		return
	}
	require.NoError(t, err, "%q", data)
	r := NewBytes(data)
	tok, err := r.Next()
	require.NoError(t, err)
	assert.Equal(t, want, tree(t, r, tok), "%q", data)
	require.NoError(t, r.End())
}

var readerSeeds = []string{
	``, ` `, `{}`, `[]`, `{"a":1}`, `{"a" 1}`, `{"a":1,}`, `[1,]`, `[1 2]`, `{1:2}`, `{"a":1 "b":2}`,
	`"abc`, `"a\qb"`, `"\u12x4"`, "\"a\x01b\"", `"\ud83d\ude00"`, `"\ud83d"`, `"\ude00\ud83d"`, `"\ud83dx"`, `"\ud83d\u0041"`,
	"\"\xff\xfe\"", `"\/\b\f\n\r\t\"\\"`, `01`, `-`, `-x`, `1.`, `1.x`, `1e`, `1e+`, `1ex`, `-0.5e-3`, `1E+10`, `tru`, `trux`,
	`fals`, `nul`, `nullx`, `[true,false,null]`, `{"a":{"b":[1,{"c":"d"}]}}`, ` {"x": [1, 2] } `, `{} {}`, `{}x`,
	`{"a":1}}`, `]`, `}`, `,`, `:`, `[1,2]]`, `1e999`, `"\u0000"`, `[-01]`, `{"a":-}`, `[1e5.3]`, `"` + "\u2028" + `"`,
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001), strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	"\x00", "\ufeff{}", `{"a":1,"a":2}`,
}

func TestReaderAsUnmarshal(t *testing.T) {
	for _, s := range readerSeeds {
		checkAsUnmarshal(t, []byte(s))
	}
}

func FuzzReader(f *testing.F) {
	for _, s := range readerSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAsUnmarshal(t, data)
		sameStreamed(t, data)
	})
}

// sameStreamed reads data whole and a byte at a time: the same tokens,
// the same offsets, the same error.
func sameStreamed(t *testing.T, data []byte) {
	whole, one := NewBytes(data), NewReader(iotest.OneByteReader(bytes.NewReader(data)))
	for {
		a, aerr := whole.Next()
		b, berr := one.Next()
		require.Equal(t, aerr, berr, "%q", data)
		require.Equal(t, a, b, "%q", data)
		if aerr != nil {
			break
		}
	}
}

func TestReaderStreams(t *testing.T) {
	for _, s := range readerSeeds {
		sameStreamed(t, []byte(s))
	}
}

func TestReaderTokens(t *testing.T) {
	r := NewReader(strings.NewReader("{\"a\": [1.5, \"x\\n\"],\n \"b\": null}"))
	var got []Token
	for {
		tok, err := r.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		got = append(got, tok)
	}
	assert.Equal(t, []Token{
		{BeginObject, "", 0}, {String, "a", 1}, {BeginArray, "", 6}, {Number, "1.5", 7}, {String, "x\n", 12},
		{EndArray, "", 17}, {String, "b", 21}, {Null, "", 26}, {EndObject, "", 30},
	}, got)
}

// TestReaderEnds: io.EOF between values at the top, io.ErrUnexpectedEOF
// inside one, the source's own error as it is.
func TestReaderEnds(t *testing.T) {
	_, err := NewBytes([]byte("  ")).Next()
	assert.Equal(t, io.EOF, err)
	r := NewBytes([]byte(`{"a": [1`))
	for err == nil || err == io.EOF {
		_, err = r.Next()
	}
	assert.Equal(t, io.ErrUnexpectedEOF, err)
	broken := errors.New("disk on fire")
	_, err = NewReader(io.MultiReader(strings.NewReader(`[1, `), iotest.ErrReader(broken))).Next()
	require.NoError(t, err)
	r = NewReader(io.MultiReader(strings.NewReader(`[1, `), iotest.ErrReader(broken)))
	for err == nil {
		_, err = r.Next()
	}
	assert.Equal(t, broken, err)
	assert.NoError(t, NewBytes([]byte("[] \n")).End())
	r = NewBytes([]byte("[]\n x"))
	_, err = r.Next()
	require.NoError(t, err)
	_, err = r.Next()
	require.NoError(t, err)
	var se *SyntaxError
	require.ErrorAs(t, r.End(), &se)
	assert.Equal(t, SyntaxError{"invalid character 'x' after top-level value", 4}, *se)
}

func TestIndentRefusesWhatIsNotCompact(t *testing.T) {
	_, err := Indent([]byte(`{"a": 1}`), "", " ")
	assert.Error(t, err)
	_, err = Indent([]byte(`{"a":`), "", " ")
	assert.Error(t, err)
	got, err := Indent([]byte(`{"a b":"c, d: [e]","f":[],"g":{}}`), "", "  ")
	require.NoError(t, err)
	var want bytes.Buffer
	require.NoError(t, json.Indent(&want, []byte(`{"a b":"c, d: [e]","f":[],"g":{}}`), "", "  "))
	assert.Equal(t, want.String(), string(got))
}

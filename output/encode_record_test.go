package output

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/report"
)

// stdJSON is what encodeUnit wrote with encoding/json: the record without
// HTML escaping and without the trailing newline.
func stdJSON(t testing.TB, r *report.Record) ([]byte, error) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func sameAsStd(t testing.TB, what string, r *report.Record) {
	t.Helper()
	want, werr := stdJSON(t, r)
	got, gerr := appendRecord(nil, r)
	if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
		t.Fatalf("%s: error %v, encoding/json %v", what, gerr, werr)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Fatalf("%s: bytes differ at %d:\n got  %q\n want %q", what, i, got[max(0, i-40):min(len(got), i+40)], want[max(0, i-40):min(len(want), i+40)])
	}
}

func TestRecordEncoderCompiles(t *testing.T) {
	if recordEncoder() == nil {
		t.Fatalf("the record encoder falls back to encoding/json: %v", recordEncErr)
	}
}

// TestRecordEncoderRealRecords: every record the pipeline writes for the
// shipped data (variants by name, the K-12 proteome and the homolog files
// by best score, the edge-case file with its errors), encoded by both.
// nasty are characters that exercise every escaping rule.
var nasty = []string{"a", "Z", " ", "\"", "\\", "/", "<", ">", "&", "\n", "\r", "\t", "\b", "\f", "\x00", "\x01", "\x1f", "\x7f",
	"é", "\u2028", "\u2029", "\u00a0", "😀", "\xff", "\xe2\x80", "\xed\xa0\x80", "|", "*", "-", "gyrA"}

// fillRandom sets every field of the value v points to at random,
// recursively, so that a field added to Record is covered without a test
// change: strings from nasty, integers and floats of all magnitudes,
// slices nil, empty or filled, pointers nil or set.
func fillRandom(rng *rand.Rand, v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.String:
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteString(nasty[rng.IntN(len(nasty))])
		}
		v.SetString(b.String())
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Int, reflect.Int64, reflect.Int32:
		switch rng.IntN(4) {
		case 0:
			v.SetInt(0)
		case 1:
			v.SetInt(int64(rng.IntN(2000)) - 1000)
		default:
			v.SetInt(rng.Int64N(math.MaxInt32) - math.MaxInt32/2)
		}
	case reflect.Float64:
		fs := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 99.99, 100, 1e-6, 9.999999e-7, 1e-7, 1e20, 1e21, 1e22, -1e21, 5e-324, math.MaxFloat64, 33.3333333333}
		if rng.IntN(2) == 0 {
			v.SetFloat(fs[rng.IntN(len(fs))])
		} else {
			v.SetFloat(math.Float64frombits(rng.Uint64()&^(0x7ff<<52) | uint64(rng.IntN(0x7ff))<<52))
		}
	case reflect.Pointer:
		if depth > 4 || rng.IntN(3) == 0 {
			v.SetZero()
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		fillRandom(rng, v.Elem(), depth+1)
	case reflect.Slice:
		switch k := rng.IntN(4); {
		case k == 0 || depth > 4:
			v.SetZero()
		case k == 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		default:
			s := reflect.MakeSlice(v.Type(), 1+rng.IntN(3), 4)
			for i := range s.Len() {
				fillRandom(rng, s.Index(i), depth+1)
			}
			v.Set(s)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillRandom(rng, v.Field(i), depth+1)
			}
		}
	default:
		panic("fillRandom: kind " + v.Kind().String())
	}
}

// TestRecordEncoderRandomRecords compares both encoders on records with
// every field random.
func TestRecordEncoderRandomRecords(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range 5000 {
		var r report.Record
		fillRandom(rng, reflect.ValueOf(&r).Elem(), 0)
		sameAsStd(t, "random record", &r)
		_ = i
	}
	bad := &report.Record{Alignment: &report.Alignment{Score: math.NaN()}}
	if _, err := appendRecord(nil, bad); err == nil {
		t.Fatal("NaN encoded without an error")
	}
	sameAsStd(t, "NaN", bad)
	sameAsStd(t, "+Inf", &report.Record{BestHit: &report.BestHit{Score: math.Inf(1)}})
}

// TestRecordEncoderEveryByte: each byte value, and each pair, in a string.
func TestRecordEncoderEveryByte(t *testing.T) {
	for c := range 256 {
		for _, s := range []string{string(rune(c)), string([]byte{byte(c)}), "x" + string([]byte{byte(c), 0x80}) + "y"} {
			sameAsStd(t, "byte", &report.Record{Query: report.Query{ID: s, Description: s + s}})
		}
	}
}

// FuzzRecordEncoder compares both encoders on fuzzed strings and numbers.
func FuzzRecordEncoder(f *testing.F) {
	f.Add("id", "desc \"q\"", 1.5, 3)
	f.Add("\u2028\xff", "<&>", 1e-7, -1)
	f.Fuzz(func(t *testing.T, id, desc string, x float64, n int) {
		r := &report.Record{Query: report.Query{ID: id, Description: desc, Length: n},
			Flags: []string{desc, id}, Alignment: &report.Alignment{Score: x, PercentIdentity: x / 3, AlignedQuery: id}}
		sameAsStd(t, "fuzz", r)
	})
}

// BenchmarkRecordEncoder encodes the records of the demo variants (27
// real variants of K-12 wild types, with their calls).

package output

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/wtalign/wtalign/report"
)

// A JSON encoder for report.Record that writes exactly the bytes of
// encoding/json (Encoder with SetEscapeHTML(false)), several times faster:
// the record's type is compiled once into a tree of field encoders that
// read the fields through their offsets, so encoding a record costs no
// reflection and, with a buffer to append to, no allocation.
//
// It follows encoding/json's rules for what a record holds: exported
// fields, named by their json tag (or the Go name), "-" skipped, omitempty
// leaving out false, 0, "", nil pointers and empty slices; strings escaped
// as encoding/json escapes them without HTML escaping (", \, control
// characters, U+2028, U+2029, invalid UTF-8 as U+FFFD); floats in its
// format (%f, or %e below 1e-6 and from 1e21, exponent without a leading
// zero); NaN and infinities are errors. Because it is compiled from the
// type, a field added to Record is encoded without a change here. A type
// it does not know (maps, interfaces, embedded structs, the ,string
// option, a MarshalJSON or MarshalText method) makes appendRecord use
// encoding/json for every record instead, so the bytes stay identical;
// TestRecordEncoderCompiles fails when that happens, so the fallback is
// noticed.

// appendRecord appends r's JSON encoding, without a trailing newline.
func appendRecord(dst []byte, r *report.Record) ([]byte, error) {
	enc := recordEncoder()
	if enc == nil { // cannot happen for today's Record (see above)
		var buf bytes.Buffer
		je := json.NewEncoder(&buf)
		je.SetEscapeHTML(false)
		if err := je.Encode(r); err != nil {
			return dst, err
		}
		return append(dst, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
	}
	e := encState{b: dst}
	enc(&e, unsafe.Pointer(r)) // #nosec G103 -- the compiled encoder reads Record fields by offset, proven equal to encoding/json by TestRecordEncoderRealRecords, TestRecordEncoderRandomRecords and TestRecordEncoderEveryByte
	if e.err != nil {
		return dst, e.err
	}
	return e.b, nil
}

type encState struct {
	b   []byte
	err error
}

type encFunc func(e *encState, p unsafe.Pointer)

var (
	recordEncOnce sync.Once
	recordEnc     encFunc
	recordEncErr  error
)

// recordEncoder returns the compiled encoder of report.Record, or nil when
// the type holds something it does not support (recordEncErr says what).
func recordEncoder() encFunc {
	recordEncOnce.Do(func() {
		recordEnc, recordEncErr = compileType(reflect.TypeFor[report.Record](), map[reflect.Type]*encFunc{})
	})
	return recordEnc
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func compileType(t reflect.Type, seen map[reflect.Type]*encFunc) (encFunc, error) {
	if t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType) ||
		t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType) {
		return nil, fmt.Errorf("%s has its own marshaler", t)
	}
	if f, ok := seen[t]; ok { // a recursive type: call through the slot
		return func(e *encState, p unsafe.Pointer) { (*f)(e, p) }, nil
	}
	switch t.Kind() {
	case reflect.String:
		return func(e *encState, p unsafe.Pointer) { e.b = appendJSONString(e.b, *(*string)(p)) }, nil
	case reflect.Bool:
		return func(e *encState, p unsafe.Pointer) { e.b = strconv.AppendBool(e.b, *(*bool)(p)) }, nil
	case reflect.Int:
		return func(e *encState, p unsafe.Pointer) { e.b = strconv.AppendInt(e.b, int64(*(*int)(p)), 10) }, nil
	case reflect.Int64:
		return func(e *encState, p unsafe.Pointer) { e.b = strconv.AppendInt(e.b, *(*int64)(p), 10) }, nil
	case reflect.Int32:
		return func(e *encState, p unsafe.Pointer) { e.b = strconv.AppendInt(e.b, int64(*(*int32)(p)), 10) }, nil
	case reflect.Float64:
		return func(e *encState, p unsafe.Pointer) {
			if e.err == nil {
				e.b, e.err = appendJSONFloat(e.b, *(*float64)(p))
			}
		}, nil
	case reflect.Pointer:
		elem, err := compileType(t.Elem(), seen)
		if err != nil {
			return nil, err
		}
		return func(e *encState, p unsafe.Pointer) {
			if q := *(*unsafe.Pointer)(p); q != nil {
				elem(e, q)
			} else {
				e.b = append(e.b, "null"...)
			}
		}, nil
	case reflect.Slice:
		elem, err := compileType(t.Elem(), seen)
		if err != nil {
			return nil, err
		}
		size := t.Elem().Size()
		return func(e *encState, p unsafe.Pointer) {
			h := (*sliceHeader)(p)
			if h.data == nil {
				e.b = append(e.b, "null"...)
				return
			}
			e.b = append(e.b, '[')
			for i := range h.len {
				if i > 0 {
					e.b = append(e.b, ',')
				}
				elem(e, unsafe.Add(h.data, uintptr(i)*size))
			}
			e.b = append(e.b, ']')
		}, nil
	case reflect.Struct:
		return compileStruct(t, seen)
	}
	return nil, fmt.Errorf("%s: kind %s not supported", t, t.Kind())
}

type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

type structField struct {
	key   []byte // `"name":`
	off   uintptr
	enc   encFunc
	empty func(p unsafe.Pointer) bool // omitempty: true when the field is left out
}

func compileStruct(t reflect.Type, seen map[reflect.Type]*encFunc) (encFunc, error) {
	slot := new(encFunc)
	seen[t] = slot
	var fields []structField
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			return nil, fmt.Errorf("%s.%s: embedded fields not supported", t, f.Name)
		}
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		omit := false
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "omitempty":
				omit = true
			case "":
			default:
				return nil, fmt.Errorf("%s.%s: json option %q not supported", t, f.Name, o)
			}
		}
		if !validKey(name) {
			return nil, fmt.Errorf("%s.%s: json name %q not supported", t, f.Name, name)
		}
		enc, err := compileType(f.Type, seen)
		if err != nil {
			return nil, err
		}
		sf := structField{key: append(appendJSONString(nil, name), ':'), off: f.Offset, enc: enc}
		if omit {
			if sf.empty = emptyFunc(f.Type); sf.empty == nil {
				return nil, fmt.Errorf("%s.%s: omitempty on %s not supported", t, f.Name, f.Type)
			}
		}
		fields = append(fields, sf)
	}
	*slot = func(e *encState, p unsafe.Pointer) {
		e.b = append(e.b, '{')
		first := true
		for i := range fields {
			f := &fields[i]
			fp := unsafe.Add(p, f.off)
			if f.empty != nil && f.empty(fp) {
				continue
			}
			if !first {
				e.b = append(e.b, ',')
			}
			first = false
			e.b = append(e.b, f.key...)
			f.enc(e, fp)
		}
		e.b = append(e.b, '}')
	}
	delete(seen, t)
	return *slot, nil
}

// validKey accepts the names encoding/json writes as given: letters,
// digits, '_' and '-' (all Record's tags are such names).
func validKey(s string) bool {
	for _, c := range s {
		if !(c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// emptyFunc is encoding/json's isEmptyValue for the kinds Record uses.
func emptyFunc(t reflect.Type) func(p unsafe.Pointer) bool {
	switch t.Kind() {
	case reflect.String:
		return func(p unsafe.Pointer) bool { return len(*(*string)(p)) == 0 }
	case reflect.Bool:
		return func(p unsafe.Pointer) bool { return !*(*bool)(p) }
	case reflect.Int:
		return func(p unsafe.Pointer) bool { return *(*int)(p) == 0 }
	case reflect.Int64:
		return func(p unsafe.Pointer) bool { return *(*int64)(p) == 0 }
	case reflect.Int32:
		return func(p unsafe.Pointer) bool { return *(*int32)(p) == 0 }
	case reflect.Float64:
		return func(p unsafe.Pointer) bool { return *(*float64)(p) == 0 }
	case reflect.Pointer:
		return func(p unsafe.Pointer) bool { return *(*unsafe.Pointer)(p) == nil }
	case reflect.Slice:
		return func(p unsafe.Pointer) bool { return (*sliceHeader)(p).len == 0 }
	}
	return nil
}

// appendJSONFloat formats f as encoding/json does for float64.
func appendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, &json.UnsupportedValueError{Value: reflect.ValueOf(f), Str: strconv.FormatFloat(f, 'g', -1, 64)}
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 -> e-9, as encoding/json does.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

const hexDigits = "0123456789abcdef"

// jsonPlain marks the bytes a JSON string holds as they are: ASCII from
// the space up, except '"' and '\\'.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendJSONString quotes s as encoding/json does without HTML escaping.
// invalidUTF8 is what encoding/json writes for a byte that is not UTF-8:
// the escape \ufffd up to Go 1.26, the character U+FFFD itself from Go
// 1.27. Asked of encoding/json once, so that the bytes stay encoding/json's
// whichever toolchain builds the program.
var invalidUTF8 = func() []byte {
	b, err := json.Marshal("\xff")
	if err != nil || len(b) < 2 {
		return []byte(`\ufffd`)
	}
	return b[1 : len(b)-1]
}()

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		for i < len(s) && jsonPlain[s[i]] {
			i++
		}
		if i == len(s) {
			break
		}
		if c := s[i]; c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, invalidUTF8...)
			start = i + size
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			start = i + size
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

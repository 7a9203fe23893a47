package pipeline

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// specFields maps each key of s to a pointer to its field.
func specFields(s *Spec) map[string]any {
	v := reflect.ValueOf(s).Elem()
	t := v.Type()
	out := make(map[string]any, t.NumField())
	for i := range t.NumField() {
		key, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		out[key] = v.Field(i).Addr().Interface()
	}
	return out
}

// SpecKeys lists the keys of a Spec (its flag names), in declaration order.
func SpecKeys() []string {
	t := reflect.TypeFor[Spec]()
	keys := make([]string, t.NumField())
	for i := range t.NumField() {
		keys[i], _, _ = strings.Cut(t.Field(i).Tag.Get("json"), ",")
	}
	return keys
}

// Set sets the field named key from text, as a flag or a YAML scalar
// spells it. A list field (inputs) takes one more element per call. The
// error is a *FieldError saying what kind of value the key wants.
func (s *Spec) Set(key, text string) error {
	f, ok := specFields(s)[key]
	if !ok {
		return &FieldError{Key: key, Msg: "unknown key (keys are the long flag names of 'wtalign align', e.g. matrix, gapopen, min-identity)"}
	}
	bad := func(want string) error {
		return &FieldError{Key: key, Value: strconv.Quote(text), Msg: "want " + want}
	}
	switch p := f.(type) {
	case *string:
		*p = text
	case *[]string:
		*p = append(*p, text)
	case *bool:
		v, err := strconv.ParseBool(text)
		if err != nil {
			return bad("true or false")
		}
		*p = v
	case *int:
		v, err := strconv.Atoi(strings.TrimSpace(text))
		if err != nil {
			return bad("a whole number")
		}
		*p = v
	case *float64:
		v, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil {
			return bad("a number")
		}
		*p = v
	case *Duration:
		v, err := time.ParseDuration(strings.TrimSpace(text))
		if err != nil {
			return bad("a duration such as 30s or 10m")
		}
		*p = Duration(v)
	default:
		panic(fmt.Sprintf("pipeline: Spec field %s has an unhandled type %T", key, f))
	}
	return nil
}

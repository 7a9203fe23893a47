package summary

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// Record is the part of a wtalign alignment record (report.Record) that a
// summary needs. Decoding into this narrow view keeps the summary readable
// across additive schema changes.
type Record struct {
	InputFile string `json:"input_file"`
	Query     struct {
		ID      string `json:"id"`
		Ordinal int    `json:"ordinal"`
	} `json:"query"`
	Reference *struct {
		ID   string `json:"id"`
		Gene string `json:"gene"`
	} `json:"reference"`
	Status    string `json:"status"`
	Alignment *struct {
		PercentIdentityOverReference float64 `json:"percent_identity_over_reference"`
		ReferenceCoverage            float64 `json:"reference_coverage"`
	} `json:"alignment"`
	Mutations []struct {
		Short string `json:"short"`
	} `json:"mutations"`
}

// ReadFile streams the records of one alignment output to fn, in file order.
func ReadFile(path string, fn func(Record) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("summary: %w", err)
	}
	defer f.Close()
	if err := ReadRecords(bufio.NewReaderSize(f, 1<<16), fn); err != nil {
		return fmt.Errorf("summary: %s: %w", path, errors.Unwrap(err))
	}
	return nil
}

// ReadRecords streams records from r to fn. It accepts the three layouts
// wtalign writes: a JSON document {"schema_version": ..., "records": [...]},
// a JSON array of records, and JSON lines (one record per line). An empty
// input is an error: a finished wtalign output is never empty.
func ReadRecords(r io.Reader, fn func(Record) error) error {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err == io.EOF {
		return wrap(errors.New("empty input: not a wtalign alignment output"))
	}
	if err != nil {
		return wrap(fmt.Errorf("not JSON: %w", err))
	}
	switch tok {
	case json.Delim('['):
		if err := decodeArray(dec, fn, false); err != nil {
			return wrap(err)
		}
	case json.Delim('{'):
		isDoc, err := decodeObject(dec, fn)
		if err != nil {
			return wrap(err)
		}
		if !isDoc {
			// JSON lines: the first object was a record; the rest follow.
			if err := decodeStream(dec, fn); err != nil {
				return wrap(err)
			}
		}
	default:
		return wrap(fmt.Errorf("not a wtalign alignment output: starts with %v", tok))
	}
	if _, err := dec.Token(); err != io.EOF {
		return wrap(errors.New("unexpected data after the end of the document (truncated or concatenated output?)"))
	}
	return nil
}

func wrap(err error) error { return fmt.Errorf("summary: %w", err) }

// decodeObject reads the object whose '{' was consumed. When it has a
// "records" key it is a document and its records go to fn as they are read;
// otherwise it is itself a record.
func decodeObject(dec *json.Decoder, fn func(Record) error) (isDoc bool, err error) {
	fields := map[string]json.RawMessage{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return false, fmt.Errorf("reading object key: %w", err)
		}
		key, _ := t.(string)
		if key == "records" && !isDoc {
			t, err := dec.Token()
			if err != nil {
				return false, fmt.Errorf("reading records: %w", err)
			}
			if t != json.Delim('[') {
				return false, errors.New(`"records" is not an array`)
			}
			if err := decodeArray(dec, fn, true); err != nil {
				return false, err
			}
			isDoc = true
			continue
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return false, fmt.Errorf("reading %q: %w", key, err)
		}
		fields[key] = v
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return false, fmt.Errorf("unterminated object: %w", err)
	}
	if isDoc {
		return true, nil
	}
	raw, err := json.Marshal(fields)
	if err != nil {
		return false, err
	}
	return false, emit(raw, 1, fn)
}

// decodeArray decodes records until the closing ']' (already inside '[').
func decodeArray(dec *json.Decoder, fn func(Record) error, inDoc bool) error {
	n := 0
	for dec.More() {
		n++
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("record %d: %w", n, err)
		}
		if err := emit(raw, n, fn); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("unterminated records array after record %d (truncated output?): %w", n, err)
	}
	return nil
}

// decodeStream decodes the JSON-lines records after the first one.
func decodeStream(dec *json.Decoder, fn func(Record) error) error {
	for n := 2; dec.More(); n++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("record %d: %w", n, err)
		}
		if err := emit(raw, n, fn); err != nil {
			return err
		}
	}
	return nil
}

func emit(raw json.RawMessage, n int, fn func(Record) error) error {
	var rec Record
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("record %d: %w", n, err)
	}
	if rec.Status == "" {
		return fmt.Errorf("record %d: no status: not a wtalign record", n)
	}
	return fn(rec)
}

package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/wtalign/wtalign/manifest"
	"github.com/wtalign/wtalign/output"
	"github.com/wtalign/wtalign/report"
)

// convertResults rewrites a json or jsonl results file in another format
// with the output package's own encoder (Out "-" mode), so the bytes are
// those align would have written in that format.
func convertResults(src, srcFormat, dst, format string, m *manifest.Manifest) error {
	if m == nil {
		return fmt.Errorf("server: converting %s: no manifest", src)
	}
	in, err := os.Open(src) // #nosec G304 -- src is the job's own results file (spec.Out, set by the server inside the job directory)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".convert-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = convertRecords(in, tmp, src, srcFormat, format, m)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst) // #nosec G703 -- dst is results.<format> in the job directory, format one of pipeline.FormatNames (checked by the handler)
}

// convertRecords writes the records of in (a json or jsonl results file)
// to out in format.
func convertRecords(in io.Reader, out io.Writer, src, srcFormat, format string, m *manifest.Manifest) error {
	w, err := output.Open(output.Options{Out: "-", Stdout: out, Format: output.Format(format), ToolVersion: m.Tool.Version})
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	n := 0
	for sc.Scan() {
		line := sc.Bytes()
		if srcFormat == string(output.JSON) {
			// header line, "]}" footer, records ending in ","
			if n == 0 && bytes.HasPrefix(line, []byte(`{"schema_version"`)) && bytes.HasSuffix(line, []byte(`"records":[`)) || bytes.Equal(line, []byte("]}")) || len(line) == 0 {
				continue
			}
			line = bytes.TrimSuffix(line, []byte(","))
		}
		var rec report.Record
		if err := json.Unmarshal(line, &rec); err != nil {
			return fmt.Errorf("server: converting %s: record %d: %w", src, n+1, err)
		}
		oc := output.Outcome{Failed: rec.Status == "error" || rec.Status == "empty", Reason: rec.Error,
			NoHit: rec.Status == "no_hit", Skipped: rec.Status == "skipped", FallbackUsed: rec.Engine.FallbackUsed}
		if err := w.Write(n, &rec, oc); err != nil {
			return err
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return w.Finish()
}

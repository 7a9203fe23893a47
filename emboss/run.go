package emboss

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/wtalign/wtalign/aligner"
)

// Defaults for Options fields left zero.
const (
	DefaultBatchSize = 500
	DefaultTimeout   = 10 * time.Minute
)

// Options control how water is run. The zero value is usable.
type Options struct {
	Format    Format         // output format parsed; "" means FormatMarkx10
	BatchSize int            // most queries per water process; 0 means DefaultBatchSize
	Jobs      int            // water processes run at once by Align; 0 means 1
	Timeout   time.Duration  // per batch (one process); 0 means DefaultTimeout
	TempDir   string         // parent of the private temporary directories; "" means os.TempDir()
	Fallback  aligner.Engine // Align: engine for the queries of a failed batch; nil means fail
}

func (o Options) format() Format {
	if o.Format == "" {
		return FormatMarkx10
	}
	return o.Format
}

func (o Options) batchSize() int {
	if o.BatchSize <= 0 {
		return DefaultBatchSize
	}
	return o.BatchSize
}

func (o Options) timeout() time.Duration {
	if o.Timeout <= 0 {
		return DefaultTimeout
	}
	return o.Timeout
}

// Result is water's alignment of one query.
type Result struct {
	Alignment *aligner.Alignment
	// Stats are Length/Identity/Similarity/Gaps as water printed them; for a
	// query aligned by the fallback engine they are Scoring.Stats of its
	// alignment.
	Stats aligner.Stats
}

// QueryName is the internal ID under which the query with index i (0-based,
// within its task) is written for water.
func QueryName(i int) string { return fmt.Sprintf("q%06d", i+1) }

// RefName is the internal ID of the reference.
const RefName = "r"

// AlignBatch aligns every query against the profile's reference with ONE
// water process and returns the results in query order. Sequences must
// hold only letters and '*' (water silently drops other characters, which
// would shift coordinates; clean them first as the native path does) and
// must not be empty.
//
// A water failure is a *BatchError (see Kind); a cancelled ctx returns
// ctx.Err() wrapped. Temporary files are removed in every case.
func (w *Water) AlignBatch(ctx context.Context, p *aligner.Profile, queries [][]byte, opts Options) ([]Result, error) {
	return w.alignBatch(ctx, p, queries, 0, opts)
}

// alignBatch is AlignBatch for queries that start at index first of their
// task (their internal IDs and error messages use task indices).
func (w *Water) alignBatch(ctx context.Context, p *aligner.Profile, queries [][]byte, first int, opts Options) ([]Result, error) {
	if err := checkInputs(p, queries, first); err != nil {
		return nil, err
	}
	format := opts.format()
	if format != FormatMarkx10 && format != FormatSrspair {
		return nil, fmt.Errorf("emboss: unsupported output format %q", format)
	}
	dir, err := os.MkdirTemp(opts.TempDir, "wtalign-water-")
	if err != nil {
		return nil, fmt.Errorf("emboss: temporary directory: %w", err)
	}
	defer os.RemoveAll(dir)

	names := make([]string, len(queries))
	for i := range queries {
		names[i] = QueryName(first + i)
	}
	refPath := filepath.Join(dir, "ref.fa")
	qPath := filepath.Join(dir, "queries.fa")
	mPath := filepath.Join(dir, "matrix")
	outPath := filepath.Join(dir, "out."+string(format))
	s := p.Scoring
	for _, f := range []struct {
		path  string
		write func(*os.File) error
	}{
		{refPath, func(f *os.File) error { return writeFASTA(f, []string{RefName}, [][]byte{p.Ref}) }},
		{qPath, func(f *os.File) error { return writeFASTA(f, names, queries) }},
		{mPath, func(f *os.File) error { return writeMatrix(f, s.Matrix) }},
	} {
		if err := writeFile(f.path, f.write); err != nil {
			return nil, fmt.Errorf("emboss: %w", err)
		}
	}

	args := []string{
		"-asequence", refPath, "-bsequence", qPath,
		"-gapopen", units(s.Open, s.Scale), "-gapextend", units(s.Extend, s.Scale),
		"-datafile", mPath,
		"-sprotein1", "-sprotein2", "-sformat1", "fasta", "-sformat2", "fasta",
		"-aformat3", string(format), "-outfile", outPath, "-auto",
	}
	bctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	cmd := exec.CommandContext(bctx, w.Path, args...) // #nosec G204 -- runs the EMBOSS water binary the user chose; the arguments are built here (file names in our own temporary directory, numbers) and are not shell-interpreted
	cmd.Dir = dir                                     // so water finds no stray data files of the caller's directory
	var tail tailBuffer
	cmd.Stdout, cmd.Stderr = &tail, &tail
	setProcessGroup(cmd)
	runErr := cmd.Run()

	fail := func(k Kind, err error) *BatchError {
		return &BatchError{Kind: k, First: first, Count: len(queries), Stderr: tail.String(), Err: err}
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("emboss: water batch from #%d: %w", first+1, ctx.Err())
	}
	if errors.Is(bctx.Err(), context.DeadlineExceeded) {
		return nil, fail(KindTimeout, fmt.Errorf("no result within %v", opts.timeout()))
	}
	if runErr != nil {
		var ee *exec.ExitError
		if errors.As(runErr, &ee) {
			if sig := signalOf(ee); sig != "" {
				e := fail(KindCrash, nil)
				e.Signal = sig
				return nil, e
			}
			e := fail(KindExit, nil)
			e.ExitCode = ee.ExitCode()
			return nil, e
		}
		return nil, fail(KindStart, runErr)
	}

	out, err := os.Open(outPath) // #nosec G304 -- water's output file in the batch's own temporary directory
	if err != nil {
		return nil, fail(KindTruncated, fmt.Errorf("exit status 0 but no output file"))
	}
	defer out.Close()
	blocks, err := parseOutput(out, format)
	if err != nil {
		var pe *parseError
		if errors.As(err, &pe) {
			return nil, fail(pe.kind, err)
		}
		return nil, fail(KindParse, err)
	}
	if len(blocks) < len(queries) {
		return nil, fail(KindTruncated, fmt.Errorf("%d alignments for %d queries", len(blocks), len(queries)))
	}
	if len(blocks) > len(queries) {
		return nil, fail(KindParse, fmt.Errorf("%d alignments for %d queries", len(blocks), len(queries)))
	}
	res := make([]Result, len(queries))
	for i := range blocks {
		r, err := blocks[i].result(p.Ref, queries[i], RefName, names[i], s)
		if err != nil {
			return nil, fail(KindParse, fmt.Errorf("alignment %d (%s): %v", i+1, names[i], err))
		}
		res[i] = r
	}
	return res, nil
}

// checkInputs rejects what water would alter or skip, so that results can
// be mapped back by order and coordinates mean the same as native ones.
func checkInputs(p *aligner.Profile, queries [][]byte, first int) error {
	if p == nil || p.Scoring == nil {
		return fmt.Errorf("emboss: no reference profile")
	}
	if err := checkSeq(p.Ref); err != nil {
		return fmt.Errorf("emboss: reference: %w", err)
	}
	for i, q := range queries {
		if err := checkSeq(q); err != nil {
			return fmt.Errorf("emboss: query #%d: %w", first+i+1, err)
		}
	}
	return nil
}

func checkSeq(s []byte) error {
	if len(s) == 0 {
		return fmt.Errorf("empty sequence (water would skip it)")
	}
	for i, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '*') {
			return fmt.Errorf("character %q at position %d would be removed or rejected by water; remove it first", c, i+1)
		}
	}
	return nil
}

func writeFile(path string, write func(*os.File) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) // #nosec G304 -- a new file (O_EXCL, 0600) in the batch's own temporary directory
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close() // #nosec G104 -- error path: the write error is the one reported
		return err
	}
	return f.Close()
}

// units prints a scaled penalty in EMBOSS units, exactly.
func units(v, scale int32) string {
	return strconv.FormatFloat(float64(v)/float64(scale), 'f', -1, 64)
}

// tailBuffer keeps the last tailMax bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

const tailMax = 8 << 10

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if t.buf.Len() > 2*tailMax {
		b := t.buf.Bytes()
		keep := append([]byte(nil), b[len(b)-tailMax:]...)
		t.buf.Reset()
		t.buf.Write(keep)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buf.Bytes()
	if len(b) > tailMax {
		b = b[len(b)-tailMax:]
	}
	return string(b)
}

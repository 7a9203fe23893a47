package output

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wtalign/wtalign/manifest"
)

// MergeOptions configure Merge.
type MergeOptions struct {
	Out         string    // merged output, or "-" for stdout (no manifest)
	Stdout      io.Writer // where "-" writes (default os.Stdout)
	Manifest    string    // merged manifest (default Out + ".manifest.json")
	Shards      []string  // shard outputs, any order
	CommandLine []string
}

// Merge combines the outputs of the shards 1/N..N/N of one run into the
// output the unsharded run writes, byte for byte, with a manifest. Every
// shard must be complete (complete_with_failures is allowed and carried
// over), its output must match its manifest's final size and sha256, the
// shards must cover 1..N exactly once, and their runs must be identical
// apart from the shard (inputs, configuration, engine, format, build).
// Each shard's manifest is read from <shard output>.manifest.json.
//
// Before reading anything it refuses (ErrClobber) an output, manifest or
// lock path that is one of the shards or their manifests; the merged
// output's name must not claim another format than the shards' (m.tsv for
// jsonl shards). A cancelled ctx stops the merge and removes the partial.
func Merge(ctx context.Context, opt MergeOptions) (*manifest.Manifest, error) {
	if len(opt.Shards) == 0 {
		return nil, errors.New("output: merge: no shard outputs")
	}
	if fi, err := os.Stat(opt.Out); opt.Out != "-" && err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		// A device or pipe (/dev/stdout): write it as a stream, never
		// replace it with a finished file.
		f, err := os.OpenFile(opt.Out, os.O_WRONLY, 0)
		if err != nil {
			return nil, fmt.Errorf("output: merge: %w", err)
		}
		defer f.Close()
		opt.Out, opt.Stdout, opt.Manifest = "-", f, ""
	}
	if opt.Out != "-" {
		var reads []Path
		for _, p := range opt.Shards {
			reads = append(reads, Path{Path: p, Role: "shard output"}, Path{Path: p + ".manifest.json", Role: "shard manifest"})
		}
		man := opt.Manifest
		if man == "" {
			man = opt.Out + ".manifest.json"
		}
		if err := CheckClobber(reads, []Path{{Path: opt.Out, Role: "merged output"}, {Path: opt.Out + ".partial", Role: "partial output"},
			{Path: man, Role: "merged manifest"}, {Path: opt.Out + ".lock", Role: "lock"}}); err != nil {
			return nil, err
		}
	}
	shards := make([]*shardInput, 0, len(opt.Shards))
	for _, p := range opt.Shards {
		s, err := openShard(p)
		if err != nil {
			return nil, err
		}
		defer s.f.Close()
		shards = append(shards, s)
	}
	n := shards[0].n
	byK := make([]*shardInput, n+1)
	for _, s := range shards {
		if s.n != n {
			return nil, fmt.Errorf("output: merge: %s is shard %s but %s is shard %s", s.path, s.m.Shard, shards[0].path, shards[0].m.Shard)
		}
		if prev := byK[s.k]; prev != nil {
			return nil, fmt.Errorf("output: merge: shard %s given twice (%s and %s)", s.m.Shard, prev.path, s.path)
		}
		byK[s.k] = s
		if d := manifest.Diff(shards[0].m, s.m, true); len(d) > 0 {
			return nil, fmt.Errorf("output: merge: %s and %s come from different runs:\n  - %s", shards[0].path, s.path, strings.Join(d, "\n  - "))
		}
	}
	var missing []string
	for k := 1; k <= n; k++ {
		if byK[k] == nil {
			missing = append(missing, fmt.Sprintf("%d/%d", k, n))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("output: merge: missing shard(s) %s", strings.Join(missing, ", "))
	}
	base := byK[1].m
	format := Format(base.Output.Format)
	if format == HAMRonization {
		return nil, fmt.Errorf("output: merge: hAMRonization outputs have no record ordinals and cannot be merged; shard with --format json (or jsonl, tsv), merge, and convert")
	}
	if claimed, ok := FormatOfName(opt.Out); ok && claimed != format {
		return nil, fmt.Errorf("%w: the merged output %s is named like %s but the shards are %s; name it *.%s", ErrClobber, opt.Out, claimed, format, format)
	}
	for _, s := range byK[1:] {
		if err := s.start(format, base.Tool.Version); err != nil {
			return nil, err
		}
	}

	if opt.Stdout == nil {
		opt.Stdout = os.Stdout
	}
	if opt.Manifest == "" && opt.Out != "-" {
		opt.Manifest = opt.Out + ".manifest.json"
	}
	w := &Writer{
		opt: Options{Out: opt.Out, Stdout: opt.Stdout, Manifest: opt.Manifest, Format: format, ToolVersion: base.Tool.Version,
			CheckpointEvery: math.MaxInt, CheckpointInterval: time.Duration(math.MaxInt64)},
		format: format, shardK: 1, shardN: 1, sum: sha256.New(),
	}
	var counts manifest.Counts
	var failures []manifest.Failure
	total := 0
	for _, s := range byK[1:] {
		c := s.m.Counts
		counts.Done += c.Done
		counts.Failed += c.Failed
		counts.Skipped += c.Skipped
		counts.NoHit += c.NoHit
		counts.FallbackUsed += c.FallbackUsed
		for st, n := range c.Statuses {
			if counts.Statuses == nil {
				counts.Statuses = map[string]int{}
			}
			counts.Statuses[st] += n
		}
		if c.Total != nil {
			total += *c.Total
		}
		failures = append(failures, s.m.Failures...)
	}
	counts.Total = &total
	sort.Slice(failures, func(i, j int) bool { return failures[i].Ordinal < failures[j].Ordinal })

	if opt.Out == "-" {
		w.out = bufio.NewWriterSize(opt.Stdout, 1<<16)
		if _, err := w.out.Write(header(format, base.Tool.Version)); err != nil {
			return nil, w.fail(err)
		}
	} else {
		cur := *base
		host, _ := os.Hostname()
		cur.CommandLine, cur.Shard, cur.Host, cur.PID, cur.Error = opt.CommandLine, "", host, os.Getpid(), ""
		cur.Output = manifest.Output{Path: opt.Out, Partial: opt.Out + ".partial", Format: string(format)}
		cur.Counts, cur.Failures, cur.RetryFrom = manifest.Counts{}, []manifest.Failure{}, nil
		cur.MergedFrom = nil
		// Shard 1's status would say complete before a record is merged.
		cur.Status = manifest.StatusRunning
		for _, s := range byK[1:] {
			cur.MergedFrom = append(cur.MergedFrom, manifest.MergedShard{Shard: s.m.Shard, Manifest: s.manifest,
				Output: manifest.File{Path: s.path, Size: s.m.Checkpoint.OutputBytes, SHA256: s.m.Checkpoint.OutputSHA256}})
		}
		var err error
		if w.lock, err = lockRun(opt.Out+".lock", opt.Manifest); err != nil {
			return nil, err
		}
		if err := w.fresh(&cur, nil); err != nil {
			unlock(w.lock)
			return nil, err
		}
	}
	for ord := 0; ; ord++ {
		if ord%4096 == 0 && ctx.Err() != nil {
			return nil, w.abandon(fmt.Errorf("output: merge: %w", ctx.Err()))
		}
		s := byK[ord%n+1]
		units, o, err := s.next()
		if err != nil {
			return nil, w.abandon(err)
		}
		if units == nil {
			for _, t := range byK[1:] {
				if u, o, err := t.next(); err != nil || u != nil {
					return nil, w.abandon(fmt.Errorf("output: merge: %s ends before record %d but %s has more (ordinal %d, %v)", s.path, ord, t.path, o, err))
				}
			}
			break
		}
		if o != ord {
			return nil, w.abandon(fmt.Errorf("output: merge: %s: found record ordinal %d where %d belongs (not a shard of this run?)", s.path, o, ord))
		}
		if err := w.writeUnits(units...); err != nil {
			return nil, w.abandon(err)
		}
	}
	if w.done != counts.Done {
		return nil, w.abandon(fmt.Errorf("output: merge: the shards hold %d records but their manifests count %d", w.done, counts.Done))
	}
	if counts.Failed != len(failures) {
		return nil, w.abandon(errors.New("output: merge: failure lists do not match the counts"))
	}
	w.counts, w.failures = counts, failures
	if len(failures) > 0 {
		// Outcomes of single records are not in the shard outputs, so the
		// counts just before the first failure are unknown: a resume of
		// the merged run redoes everything (retry shards instead).
		w.retry = &manifest.RetryPoint{Checkpoint: manifest.Checkpoint{OutputSHA256: emptySHA256, At: time.Now().UTC()}, Counts: manifest.Counts{Total: &total}}
	}
	if err := w.Finish(); err != nil {
		return nil, err
	}
	return w.m, nil
}

// abandon gives up a merge: the partial output is removed.
func (w *Writer) abandon(err error) error {
	if w.file != nil && !w.closed {
		os.Remove(w.file.Name()) // #nosec G104 -- abandoning the merge: best-effort removal of the partial output; the merge error is the one returned
		_ = w.close()
	}
	return err
}

type shardInput struct {
	path, manifest string
	m              *manifest.Manifest
	k, n           int
	f              *os.File
	r              *bufio.Reader
	format         Format
	line           []byte // lookahead
	ended          bool
}

func openShard(path string) (*shardInput, error) {
	mp := path + ".manifest.json"
	m, err := manifest.Load(mp)
	if err != nil {
		return nil, fmt.Errorf("output: merge: %w", err)
	}
	if !m.Status.Finished() {
		return nil, fmt.Errorf("output: merge: %s: the shard's run is %s, not complete (%d records done)", path, m.Status, m.Counts.Done)
	}
	if m.Shard == "" {
		return nil, fmt.Errorf("output: merge: %s was not run with --shard", path)
	}
	k, n, err := ParseShard(m.Shard)
	if err != nil {
		return nil, fmt.Errorf("output: merge: %s: %w", mp, err)
	}
	if !intact(path, m.Checkpoint) {
		return nil, fmt.Errorf("output: merge: %s does not match its manifest (%d bytes, sha256 %s): changed or damaged", path, m.Checkpoint.OutputBytes, m.Checkpoint.OutputSHA256)
	}
	f, err := os.Open(path) // #nosec G304 -- a shard output the user named, verified against its manifest above
	if err != nil {
		return nil, fmt.Errorf("output: merge: %w", err)
	}
	return &shardInput{path: path, manifest: mp, m: m, k: k, n: n, f: f, r: bufio.NewReaderSize(f, 1<<16)}, nil
}

// start checks the header.
func (s *shardInput) start(f Format, version string) error {
	s.format = f
	if h := header(f, version); len(h) > 0 {
		line, err := s.r.ReadBytes('\n')
		if err != nil || !bytes.Equal(line, h) {
			return fmt.Errorf("output: merge: %s: unexpected header", s.path)
		}
	}
	return s.advance()
}

// advance reads the next record line into s.line (nil at the end).
func (s *shardInput) advance() error {
	line, err := s.r.ReadBytes('\n')
	switch {
	case err == io.EOF && len(line) == 0:
		if s.format == JSON && !s.ended {
			return fmt.Errorf("output: merge: %s: json output without its end", s.path)
		}
		s.line = nil
		return nil
	case err != nil:
		return fmt.Errorf("output: merge: %s: %w", s.path, err)
	case s.ended:
		return fmt.Errorf("output: merge: %s: data after the end of the json document", s.path)
	}
	if s.format == JSON {
		if string(line) == "]}\n" {
			s.ended = true
			return s.advance()
		}
		line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte(","))
	}
	s.line = line
	return nil
}

// next returns the units of the next input record and its ordinal; nil
// units at the end.
func (s *shardInput) next() ([][]byte, int, error) {
	if s.line == nil {
		return nil, 0, nil
	}
	var units [][]byte
	first := -1
	for s.line != nil {
		o, err := s.ordinal(s.line)
		if err != nil {
			return nil, 0, err
		}
		if first >= 0 && o != first {
			break
		}
		first = o
		units = append(units, s.line)
		if err := s.advance(); err != nil {
			return nil, 0, err
		}
	}
	return units, first, nil
}

func (s *shardInput) ordinal(line []byte) (int, error) {
	if s.format == TSV {
		cells := strings.SplitN(string(line), "\t", tsvOrdinalColumn+2)
		if len(cells) > tsvOrdinalColumn {
			if o, err := strconv.Atoi(cells[tsvOrdinalColumn]); err == nil {
				return o, nil
			}
		}
		return 0, fmt.Errorf("output: merge: %s: row without a query_ordinal", s.path)
	}
	var r struct {
		Query struct {
			Ordinal *int `json:"ordinal"`
		} `json:"query"`
	}
	if err := json.Unmarshal(line, &r); err != nil || r.Query.Ordinal == nil {
		return 0, fmt.Errorf("output: merge: %s: record without query.ordinal (%v)", s.path, err)
	}
	return *r.Query.Ordinal, nil
}

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

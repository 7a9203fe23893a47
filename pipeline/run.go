package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/catalog"
	"github.com/wtalign/wtalign/fasta"
	"github.com/wtalign/wtalign/gencode"
	"github.com/wtalign/wtalign/report"
)

// Thresholds decide whether an alignment is a hit. Under --assign best a
// query below any of them is no_hit. Under name and map, a query below the
// identity or score threshold is low_quality (no calls); coverage is not
// checked there, so fragments are reported as partial with their calls.
type Thresholds struct {
	MinIdentity    float64 // EMBOSS percent identity (over alignment length)
	MinRefCoverage float64 // percent of the reference inside the alignment
	MinScore       float64 // water score
	// SameGeneIdentity is the EMBOSS percent identity from which a hit is
	// the reference's own gene (variants called); below it the hit is a
	// homolog or paralog (status homolog, no calls).
	SameGeneIdentity float64
}

// Job is one alignment run.
type Job struct {
	Inputs          []string
	Assigner        *Assigner
	Engine          aligner.Engine
	EngineInfo      report.Engine
	Scoring         *aligner.Scoring
	Thresholds      Thresholds
	SkipUnassigned  bool
	AllowNucleotide bool
	// CompleteProteins says every query is a complete translation ending
	// at its stop codon (gene-caller output), so a query that ends before
	// the reference does is a premature stop, not a partial.
	CompleteProteins bool
	// MaxLength, when > 0, is the longest query accepted (fasta.ErrTooLong).
	MaxLength     int
	Threads       int // workers; <= 0 means GOMAXPROCS
	BatchSize     int // records per work unit; <= 0 chooses (unitSize)
	Skip          int // records of this run already written (resume): read, not aligned, not emitted
	Shard, Shards int // process only records whose ordinal % Shards == Shard-1; Shards 0 or 1 = all
	// Copies, from Assigner.Prescan, numbers the queries of one file that
	// go to the same reference (name and map modes): copy_index and the
	// multiple_copies flag. Nil leaves them out.
	Copies map[string]map[string]int
	// Encode, when set, serialises each finished record on the worker
	// goroutine (Result.Encoded), so the ordered writer only copies bytes.
	// It appends the record's bytes to dst: the records of a work unit
	// share one buffer, reused once the unit is emitted.
	Encode func(dst []byte, r *report.Record) ([]byte, error)
	// Catalog, when set, annotates every call on a catalogued reference
	// (verdict, matches) and gives the state of every catalogued site;
	// --sites lists are catalogs of positions.
	Catalog *catalog.Index
	// Code, when set, says the queries and references are coding
	// sequences: they are translated with it, and calls carry codons.
	Code *gencode.Code
	// InputNames, when set, gives the name records carry as input_file for
	// an input path (the service's uploads keep their uploaded names).
	InputNames map[string]string
}

// Result is one finished record, delivered in input order.
type Result struct {
	Ordinal int // 0-based among all input records of all files, before sharding
	Record  *report.Record
	Failed  bool // the record could not be processed; Reason says why
	Reason  string
	NoHit   bool
	Skipped bool // unassigned and --skip-unassigned
	// FallbackUsed says a batch engine failed for this record and its
	// fallback engine aligned it.
	FallbackUsed bool
	// Encoded is Job.Encode's output for Record, made on the worker. It is
	// valid only until emit returns: the memory is reused for later records.
	Encoded []byte
	// Cells are the dynamic-programming cells aligned for this record:
	// its length times the length of every reference it was scored against.
	Cells int64
}

// Stats are the totals of a run (this invocation only, not resumed work).
type Stats struct {
	Read    int // records of this run seen (after sharding), including skipped ones
	Emitted int
	Failed  int
	NoHit   int
	Skipped int
	Cells   int64 // dynamic-programming cells aligned
}

// item is one record on its way through the workers, with its assignment
// decided once, by the reader.
type item struct {
	ordinal int
	rec     *fasta.Record
	err     error  // record-level problem
	refs    []*Ref // candidate references; nil when there is none (why says why)
	cds     []byte // the query as given, for CDS input (rec.Seq is then its translation)
	why     string
	copy    int // 1-based copy number among the file's queries of the same reference; 0 if unknown
	copies  int // how many such queries the file has
}

type batch struct {
	seq   int
	items []item
	err   error // fatal read error after the items
	res   []Result
	arena []byte // the encoded records of res, back to the pool once emitted
	// skipped: the run was cancelled before a worker took the batch; it
	// and every batch after it are not emitted.
	skipped bool
}

// Run executes job and calls emit for every record in input order. emit
// and progress run on the calling goroutine. On a fatal input error or
// when ctx is cancelled, records finished before that point are still
// emitted, then the error is returned (ctx.Err() for cancellation).
func Run(ctx context.Context, job *Job, emit func(Result) error, progress func(Stats)) (Stats, error) {
	threads := job.Threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	bs := job.unitSize()
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	inflight := make(chan struct{}, 2*threads+2) // bounds memory: batches read but not yet emitted
	todo := make(chan *batch, threads)
	done := make(chan *batch, 2*threads+2)
	arenas := make(chan []byte, 2*threads+2) // encoding buffers of emitted batches

	var st Stats
	var readErr error
	var readCount int
	go func() {
		defer close(todo)
		readCount, readErr = job.read(ctx, bs, inflight, todo)
	}()
	var wg sync.WaitGroup
	for w := 0; w < threads; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ba, batched := job.Engine.(aligner.PairEngine)
			ma, multi := job.Engine.(aligner.BatchEngine)
			for b := range todo {
				if ctx.Err() != nil {
					// Cancelled or failed: finish no more work, so that a
					// cancel takes effect within the units already running.
					b.skipped = true
					done <- b
					continue
				}
				b.res = make([]Result, len(b.items))
				var pre []map[*Ref]pairResult
				if batched {
					var err error
					if pre, err = job.prealign(ctx, ba, b.items); err != nil {
						b.items, b.err = nil, err // reported in order, like a read error
					}
				} else if multi {
					pre = job.prealignMulti(ma, b.items)
				}
				if job.Encode != nil {
					select {
					case b.arena = <-arenas:
					default:
					}
				}
				for i, it := range b.items {
					var p map[*Ref]pairResult
					if pre != nil {
						p = pre[i]
					}
					b.res[i] = job.process(it, p)
					if job.Encode != nil {
						start := len(b.arena)
						var err error
						if b.arena, err = job.Encode(b.arena, b.res[i].Record); err != nil {
							b.items, b.err = b.items[:i], err
							break
						}
						// Earlier records keep their bytes when the buffer
						// grows: they point into the old array.
						b.res[i].Encoded = b.arena[start:len(b.arena):len(b.arena)]
					}
				}
				b.res = b.res[:len(b.items)]
				done <- b
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	pending := map[int]*batch{}
	next := 0
	var emitErr, fatal error
	stopped := false // a skipped batch was reached: emit nothing after it
	for b := range done {
		pending[b.seq] = b
		for {
			cur, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if cur.skipped {
				stopped = true
			}
			if emitErr == nil && fatal == nil && !stopped {
				for _, r := range cur.res {
					if err := emit(r); err != nil {
						emitErr = err
						cancel()
						break
					}
					st.Emitted++
					st.Cells += r.Cells
					switch {
					case r.Failed:
						st.Failed++
					case r.NoHit:
						st.NoHit++
					case r.Skipped:
						st.Skipped++
					}
				}
				if cur.err != nil {
					fatal = cur.err
					cancel()
				}
				if progress != nil {
					progress(st)
				}
			}
			if cur.arena != nil {
				select {
				case arenas <- cur.arena[:0]: // nothing refers to the emitted bytes now
				default:
				}
			}
			<-inflight
		}
	}
	st.Read = readCount
	switch {
	case emitErr != nil:
		return st, emitErr
	case fatal != nil:
		return st, fatal
	case readErr != nil:
		return st, readErr
	case stopped || parent.Err() != nil && st.Emitted < readCount:
		return st, parent.Err()
	}
	return st, nil
}

// read streams the inputs into batches. A fatal error travels in the last
// batch so that it is reported after the records before it.
func (job *Job) read(ctx context.Context, bs int, inflight chan struct{}, todo chan<- *batch) (kept int, _ error) {
	seq, ordinal := 0, 0
	cur := &batch{}
	send := func() bool {
		select {
		case inflight <- struct{}{}:
		case <-ctx.Done():
			return false
		}
		cur.seq = seq
		seq++
		todo <- cur
		cur = &batch{}
		return true
	}
	for _, path := range job.Inputs {
		rd, err := fasta.Open(path, fasta.Options{Role: fasta.Query, AllowNucleotide: job.AllowNucleotide || job.Code != nil, MaxLength: job.MaxLength})
		if err != nil {
			cur.err = err
			send()
			return kept, nil
		}
		seen := map[string]int{} // reference ID -> queries so far, for copy numbers
		for {
			if ctx.Err() != nil {
				rd.Close()
				return kept, ctx.Err()
			}
			rec, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if rec == nil {
				rd.Close()
				cur.err = err
				send()
				return kept, nil
			}
			o := ordinal
			ordinal++
			if o == 0 {
				job.Assigner.Resolve(rec) // auto mode on stdin: decided by the first record
			}
			it := item{ordinal: o, rec: rec, err: err}
			if err == nil && job.Code != nil {
				if isNucleotide(rec.Seq) {
					it.cds, rec.Seq = rec.Seq, translateQuery(job.Code, rec)
				} else {
					it.err = fmt.Errorf("%s record %d (%s): --input-type cds needs coding sequences (nucleotides); this record has other letters (a protein?)", rec.File, rec.Index, rec.ID)
				}
			}
			if it.err == nil {
				it.refs, it.why = job.Assigner.Candidates(rec)
			}
			if counts := job.Copies[path]; counts != nil && it.refs != nil {
				seen[it.refs[0].ID]++
				it.copy, it.copies = seen[it.refs[0].ID], counts[it.refs[0].ID]
			}
			if job.Shards > 1 && o%job.Shards != job.Shard-1 {
				continue
			}
			kept++
			if kept <= job.Skip {
				continue
			}
			cur.items = append(cur.items, it)
			if len(cur.items) == bs && !send() {
				rd.Close()
				return kept, ctx.Err()
			}
		}
		rd.Close()
	}
	if len(cur.items) > 0 && !send() {
		return kept, ctx.Err()
	}
	if kept < job.Skip {
		return kept, fmt.Errorf("resume: the checkpoint says %d records were written, but the inputs hold only %d", job.Skip, kept)
	}
	return kept, nil
}

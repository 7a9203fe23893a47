package emboss

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/wtalign/wtalign/aligner"
)

// Format is the water alignment output format (-aformat3) that is parsed.
type Format string

// Supported formats. Both carry the same header block per pair; markx10
// also gives the full sequence lengths and explicit start/stop, so it is
// the default and the most strictly checked.
const (
	FormatMarkx10 Format = "markx10"
	FormatSrspair Format = "srspair"
)

const (
	blockMarker = "#======================================="
	endMarker   = "#---------------------------------------"
)

// block is one pair as water printed it, before checking it against the input.
type block struct {
	name1, name2           string // "# 1:" and "# 2:" header names
	length, ident, sim, gp int    // header statistics (each n/length)
	score                  string // header score as printed (%.1f)
	alRef, alQuery         []byte
	refStart, refEnd       int // 1-based inclusive, as printed
	qStart, qEnd           int
	refLen, qLen           int // markx10 sq_len; -1 when the format lacks it
	seqName1, seqName2     string
}

// parseOutput splits a water output file into blocks. It checks the file
// frame (program, format, one header and body per block, the end marker)
// but not the blocks against the input; see block.result.
func parseOutput(r io.Reader, format Format) ([]block, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	const (
		sPre = iota
		sHeader
		sBody
		sEnd
	)
	state := sPre
	var blocks []block
	var hdr, body []string
	program, aformat := "", ""
	lineNo := 0
	finish := func() error {
		b, err := parseBlock(hdr, body, format)
		if err != nil {
			return parseErrf("alignment block %d: %v", len(blocks)+1, err)
		}
		blocks = append(blocks, b)
		hdr, body = nil, nil
		return nil
	}
	for sc.Scan() {
		lineNo++
		line := strings.TrimRight(sc.Text(), "\r")
		switch state {
		case sPre:
			switch {
			case line == blockMarker:
				state = sHeader
			case strings.HasPrefix(line, "# Program:"):
				program = strings.TrimSpace(strings.TrimPrefix(line, "# Program:"))
			case strings.HasPrefix(line, "# Align_format:"):
				aformat = strings.TrimSpace(strings.TrimPrefix(line, "# Align_format:"))
			case line == endMarker:
				state = sEnd
			case strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "":
			default:
				return nil, parseErrf("line %d: unexpected text before the first alignment: %q", lineNo, clip(line))
			}
			if state != sPre && (program != "water" || aformat != string(format)) {
				return nil, parseErrf("output header names program %q and format %q, want water and %s", program, aformat, format)
			}
		case sHeader:
			if line == blockMarker {
				state = sBody
				continue
			}
			if !strings.HasPrefix(line, "#") {
				return nil, parseErrf("line %d: header line without '#': %q", lineNo, clip(line))
			}
			hdr = append(hdr, line)
		case sBody:
			switch line {
			case blockMarker:
				if err := finish(); err != nil {
					return nil, err
				}
				state = sHeader
			case endMarker:
				if err := finish(); err != nil {
					return nil, err
				}
				state = sEnd
			default:
				body = append(body, line)
			}
		case sEnd:
			if line != endMarker && strings.TrimSpace(line) != "" {
				return nil, parseErrf("line %d: text after the end marker: %q", lineNo, clip(line))
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, parseErrf("reading output: %v", err)
	}
	switch state {
	case sPre:
		if program == "" {
			return nil, truncErrf("output is empty or has no water header")
		}
		return nil, truncErrf("output has a header but no alignment and no end marker")
	case sHeader, sBody:
		return nil, truncErrf("output ends inside alignment block %d (no end marker)", len(blocks)+1)
	}
	return blocks, nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// parseBlock reads one block's header lines and body lines.
func parseBlock(hdr, body []string, format Format) (block, error) {
	b := block{refLen: -1, qLen: -1}
	seen := map[string]bool{}
	for _, l := range hdr {
		k, v, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(l, "#")), ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		var err error
		switch k {
		case "1":
			b.name1 = v
		case "2":
			b.name2 = v
		case "Length":
			b.length, err = strconv.Atoi(v)
		case "Identity":
			b.ident, err = fraction(v)
		case "Similarity":
			b.sim, err = fraction(v)
		case "Gaps":
			b.gp, err = fraction(v)
		case "Score":
			b.score = v
		default:
			continue
		}
		if err != nil {
			return b, fmt.Errorf("header %s: %q: %v", k, v, err)
		}
		seen[k] = true
	}
	for _, k := range []string{"1", "2", "Length", "Identity", "Similarity", "Gaps", "Score"} {
		if !seen[k] {
			return b, fmt.Errorf("header lacks %q", k)
		}
	}
	var err error
	if format == FormatMarkx10 {
		err = b.parseMarkx10(body)
	} else {
		err = b.parseSrspair(body)
	}
	return b, err
}

// fraction parses "139/144 (96.5%)" into 139 and checks the denominator
// later (against Length).
func fraction(v string) (int, error) {
	n, rest, ok := strings.Cut(v, "/")
	if !ok {
		return 0, fmt.Errorf("want n/length")
	}
	d, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
	if _, err := strconv.Atoi(d); err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(n))
}

type m10seq struct {
	name  string
	attrs map[string]int
	seq   []byte
}

func (b *block) parseMarkx10(body []string) error {
	var seqs []*m10seq
	for _, l := range body {
		switch {
		case strings.TrimSpace(l) == "", strings.HasPrefix(l, ">>"):
		case strings.HasPrefix(l, ">"):
			name, _, _ := strings.Cut(l[1:], " ")
			seqs = append(seqs, &m10seq{name: name, attrs: map[string]int{}})
		case strings.HasPrefix(l, ";"):
			if len(seqs) == 0 {
				continue // alignment-level sw_score, sw_ident, ...: the header has them exactly
			}
			k, v, ok := strings.Cut(strings.TrimSpace(l[1:]), ":")
			if !ok {
				return fmt.Errorf("bad attribute line %q", clip(l))
			}
			switch k = strings.TrimSpace(k); k {
			case "sq_len", "al_start", "al_stop", "al_display_start":
				n, err := strconv.Atoi(strings.TrimSpace(v))
				if err != nil {
					return fmt.Errorf("%s: %q is not an integer", k, strings.TrimSpace(v))
				}
				seqs[len(seqs)-1].attrs[k] = n
			}
		default:
			if len(seqs) == 0 {
				return fmt.Errorf("sequence text before any '>' line: %q", clip(l))
			}
			s := seqs[len(seqs)-1]
			s.seq = append(s.seq, strings.TrimSpace(l)...)
		}
	}
	if len(seqs) != 2 {
		return fmt.Errorf("%d sequences in the alignment, want 2", len(seqs))
	}
	for _, s := range seqs {
		for _, k := range []string{"sq_len", "al_start", "al_stop", "al_display_start"} {
			if _, ok := s.attrs[k]; !ok {
				return fmt.Errorf("sequence %s lacks %s", s.name, k)
			}
		}
		if s.attrs["al_display_start"] != s.attrs["al_start"] {
			return fmt.Errorf("sequence %s: al_display_start %d != al_start %d (context shown)", s.name, s.attrs["al_display_start"], s.attrs["al_start"])
		}
	}
	r, q := seqs[0], seqs[1]
	b.seqName1, b.seqName2 = r.name, q.name
	b.alRef, b.alQuery = r.seq, q.seq
	b.refStart, b.refEnd, b.refLen = r.attrs["al_start"], r.attrs["al_stop"], r.attrs["sq_len"]
	b.qStart, b.qEnd, b.qLen = q.attrs["al_start"], q.attrs["al_stop"], q.attrs["sq_len"]
	return nil
}

// parseSrspair reads lines "NAME START SEQUENCE END" alternating between the
// two sequences, with markup lines (starting with blanks) between them.
func (b *block) parseSrspair(body []string) error {
	n := 0
	for _, l := range body {
		if strings.TrimSpace(l) == "" || l[0] == ' ' {
			continue // blank or markup line
		}
		f := strings.Fields(l)
		if len(f) != 4 {
			return fmt.Errorf("sequence line %q: want NAME START SEQUENCE END", clip(l))
		}
		start, err1 := strconv.Atoi(f[1])
		end, err2 := strconv.Atoi(f[3])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("sequence line %q: bad coordinates", clip(l))
		}
		if n%2 == 0 {
			if n == 0 {
				b.seqName1, b.refStart = f[0], start
			} else if f[0] != b.seqName1 {
				return fmt.Errorf("line %q: expected sequence %s", clip(l), b.seqName1)
			}
			b.alRef = append(b.alRef, f[2]...)
			b.refEnd = end
		} else {
			if n == 1 {
				b.seqName2, b.qStart = f[0], start
			} else if f[0] != b.seqName2 {
				return fmt.Errorf("line %q: expected sequence %s", clip(l), b.seqName2)
			}
			b.alQuery = append(b.alQuery, f[2]...)
			b.qEnd = end
		}
		n++
	}
	if n == 0 || n%2 != 0 {
		return fmt.Errorf("%d sequence lines, want a positive even number", n)
	}
	return nil
}

// result checks b against the sequences that were written under the names
// refName and queryName and converts it to 0-based coordinates and a
// scaled score.
func (b *block) result(ref, query []byte, refName, queryName string, s *aligner.Scoring) (Result, error) {
	if b.name1 != refName || b.name2 != queryName {
		return Result{}, fmt.Errorf("pair is %s vs %s, want %s vs %s (out of order)", b.name1, b.name2, refName, queryName)
	}
	if b.seqName1 != refName || !strings.HasPrefix(queryName, b.seqName2) || b.seqName2 == "" {
		return Result{}, fmt.Errorf("alignment lines name %s and %s, want %s and %s", b.seqName1, b.seqName2, refName, queryName)
	}
	if b.refLen >= 0 && (b.refLen != len(ref) || b.qLen != len(query)) {
		return Result{}, fmt.Errorf("water read lengths %d and %d, written %d and %d (water altered a sequence)", b.refLen, b.qLen, len(ref), len(query))
	}
	if len(b.alRef) != b.length || len(b.alQuery) != b.length {
		return Result{}, fmt.Errorf("aligned strings have %d and %d columns, header Length is %d", len(b.alRef), len(b.alQuery), b.length)
	}
	if err := checkSpan("reference", b.alRef, ref, b.refStart, b.refEnd); err != nil {
		return Result{}, err
	}
	if err := checkSpan("query", b.alQuery, query, b.qStart, b.qEnd); err != nil {
		return Result{}, err
	}
	al := &aligner.Alignment{
		RefStart: b.refStart - 1, RefEnd: b.refEnd - 1,
		QueryStart: b.qStart - 1, QueryEnd: b.qEnd - 1,
		AlignedRef: b.alRef, AlignedQuery: b.alQuery,
	}
	score, err := scaledScore(b.score, s, al)
	if err != nil {
		return Result{}, err
	}
	al.Score = score
	return Result{Alignment: al, Stats: aligner.Stats{Length: b.length, Identity: b.ident, Similarity: b.sim, Gaps: b.gp}}, nil
}

// checkSpan verifies that the aligned string without gaps is exactly
// seq[start-1:end]: this catches truncated lines, altered letters and
// results mapped to the wrong query.
func checkSpan(what string, aligned, seq []byte, start, end int) error {
	if start < 1 || end < start || end > len(seq) {
		return fmt.Errorf("%s span %d..%d outside 1..%d", what, start, end, len(seq))
	}
	var k int
	for _, c := range aligned {
		if c == aligner.Gap {
			continue
		}
		if k >= end-start+1 || seq[start-1+k] != c {
			return fmt.Errorf("%s residues in the alignment differ from the input at %d..%d", what, start, end)
		}
		k++
	}
	if k != end-start+1 {
		return fmt.Errorf("%s alignment has %d residues, span %d..%d has %d", what, k, start, end, end-start+1)
	}
	return nil
}

// scaledScore converts water's printed score to the integer score scaled
// by s.Scale. water computes in single precision and prints "%.1f" unless
// the float has drifted off one decimal (e.g. "3541.201" for 3541.2 with
// gap extend 0.2), so the printed value is only close to the exact score:
// the score of the aligned path is taken when it is within rounding and
// drift of the printed value (it is exact even when the print lost
// precision), else the nearest multiple of 1/Scale. water prints -FLT_MAX
// when a sequence has one residue; that is aligner.NoScore.
//
// With penalties that are not multiples of 1/64 the native engine computes
// in water's own float arithmetic and scores are in units of
// 1/ScoreScale: the printed value is then read as the score that prints
// the same (water's three decimals cannot give back every bit of its float).
func scaledScore(printed string, s *aligner.Scoring, al *aligner.Alignment) (int64, error) {
	if s.ScoreScale != int64(s.Scale) {
		return s.ParseScore(printed)
	}
	f, err := strconv.ParseFloat(printed, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("score %q is not a number", printed)
	}
	if f < -1e30 {
		return aligner.NoScore, nil
	}
	scale := float64(s.Scale)
	tol := 0.05 + 2e-6*math.Abs(f)
	if p, err := s.PathScore(al.AlignedRef, al.AlignedQuery); err == nil && math.Abs(float64(p)/scale-f) <= tol {
		return p, nil
	}
	if n := math.Round(f * scale); math.Abs(n/scale-f) <= tol {
		return int64(n), nil
	}
	return 0, fmt.Errorf("score %q is not near a multiple of 1/%d", printed, s.Scale)
}

// writeFASTA writes one record per sequence, 60 letters a line.
func writeFASTA(w io.Writer, names []string, seqs [][]byte) error {
	bw := bufio.NewWriter(w)
	for i, s := range seqs {
		bw.WriteString(">")      // #nosec G104 -- bufio.Writer keeps the first error; Flush below returns it
		bw.WriteString(names[i]) // #nosec G104 -- bufio.Writer keeps the first error; Flush below returns it
		bw.WriteByte('\n')       // #nosec G104 -- bufio.Writer keeps the first error; Flush below returns it
		for len(s) > 60 {
			bw.Write(s[:60])   // #nosec G104 -- bufio.Writer keeps the first error; Flush below returns it
			bw.WriteByte('\n') // #nosec G104 -- bufio.Writer keeps the first error; Flush below returns it
			s = s[60:]
		}
		bw.Write(s)        // #nosec G104 -- bufio.Writer keeps the first error; Flush below returns it
		bw.WriteByte('\n') // #nosec G104 -- bufio.Writer keeps the first error; Flush below returns it
	}
	return bw.Flush()
}

// writeMatrix writes m in the EMBOSS matrix format, so water scores with
// exactly the matrix the native engine uses (not a same-named file that
// EMBOSS might find first in its data path).
func writeMatrix(w io.Writer, m *aligner.Matrix) error {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# %s, written by wtalign for water\n ", m.Name)
	for _, c := range m.Letters {
		fmt.Fprintf(&buf, " %3c", c)
	}
	buf.WriteByte('\n')
	for i, r := range m.Letters {
		buf.WriteByte(r)
		for j := range m.Letters {
			fmt.Fprintf(&buf, " %3d", m.Score(uint8(i+1), uint8(j+1)))
		}
		buf.WriteByte('\n')
	}
	_, err := w.Write(buf.Bytes())
	return err
}

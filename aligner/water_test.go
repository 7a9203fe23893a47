package aligner

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Fidelity to EMBOSS water itself: committed water outputs (goldens) and,
// where water is installed, live runs.

var (
	updateWater = flag.Bool("update-water", false, "rewrite testdata/pairs/tie_heavy.faa, testdata/water/*.srspair and testdata/water/float/*.srspair by running water")
	waterSeed   = flag.Uint64("water-seed", 0, "seed of TestWaterLive's generated pairs (0: random, logged)")
)

const waterDir = "../testdata/water"

// waterArgs are the options every golden was made with; -asequence is the
// reference.
var waterArgs = []string{"-gapopen", "10", "-gapextend", "0.5", "-sprotein1", "-sprotein2",
	"-sformat1", "fasta", "-sformat2", "fasta", "-aformat3", "srspair"}

// waterResult is one alignment block of water's srspair output.
type waterResult struct {
	Score                        string // as printed (%.1f)
	Length                       int
	Identity, Similarity, Gaps   int
	PctIdentity, PctSim, PctGaps string // as printed (%4.1f)
	RefStart, RefEnd             int    // 1-based inclusive
	QueryStart, QueryEnd         int
	AlignedRef, AlignedQuery     string
}

var statLine = regexp.MustCompile(`^# (Identity|Similarity|Gaps): +(\d+)/(\d+) \(([ \d.]+)%\)$`)

// parseWater reads every alignment of a srspair (or pair) report.
func parseWater(text string) ([]waterResult, error) {
	var out []waterResult
	var cur *waterResult
	nseq := 0 // sequence lines seen in the current block
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for ln := 1; sc.Scan(); ln++ {
		line := sc.Text()
		bad := func(format string, a ...any) error {
			return fmt.Errorf("line %d %q: %s", ln, line, fmt.Sprintf(format, a...))
		}
		switch {
		case strings.HasPrefix(line, "# Aligned_sequences:"):
			out = append(out, waterResult{})
			cur, nseq = &out[len(out)-1], 0
		case cur == nil || line == "":
		case strings.HasPrefix(line, "# Length:"):
			n, err := strconv.Atoi(strings.TrimSpace(line[len("# Length:"):]))
			if err != nil {
				return nil, bad("%v", err)
			}
			cur.Length = n
		case strings.HasPrefix(line, "# Score:"):
			cur.Score = strings.TrimSpace(line[len("# Score:"):])
		case statLine.MatchString(line):
			m := statLine.FindStringSubmatch(line)
			n, _ := strconv.Atoi(m[2])
			if l, _ := strconv.Atoi(m[3]); l != cur.Length {
				return nil, bad("denominator %d, length %d", l, cur.Length)
			}
			switch m[1] {
			case "Identity":
				cur.Identity, cur.PctIdentity = n, m[4]
			case "Similarity":
				cur.Similarity, cur.PctSim = n, m[4]
			default:
				cur.Gaps, cur.PctGaps = n, m[4]
			}
		case strings.HasPrefix(line, "#"):
		default:
			// "NAME START SEQ END", or a markup line: blanks then |:. and
			// blanks (our sequence names are never empty).
			if line[0] == ' ' {
				if strings.Trim(line, " |:.") != "" {
					return nil, bad("unexpected line")
				}
				continue
			}
			f := strings.Fields(line)
			if len(f) != 4 {
				return nil, bad("not a sequence line")
			}
			start, err1 := strconv.Atoi(f[1])
			end, err2 := strconv.Atoi(f[3])
			if err1 != nil || err2 != nil {
				return nil, bad("not a sequence line")
			}
			isRef := nseq%2 == 0
			first := nseq < 2
			nseq++
			if isRef {
				cur.AlignedRef += f[2]
				cur.RefEnd = end
				if first {
					cur.RefStart = start
				}
			} else {
				cur.AlignedQuery += f[2]
				cur.QueryEnd = end
				if first {
					cur.QueryStart = start
				}
			}
		}
	}
	for i, r := range out {
		if len(r.AlignedRef) != r.Length || len(r.AlignedQuery) != r.Length || r.Score == "" {
			return nil, fmt.Errorf("alignment %d: %d/%d aligned columns for length %d, score %q",
				i+1, len(r.AlignedRef), len(r.AlignedQuery), r.Length, r.Score)
		}
	}
	return out, sc.Err()
}

// stripVolatile removes the report lines that change from run to run.
func stripVolatile(text string) string {
	var b strings.Builder
	inCmd := false
	for line := range strings.Lines(text) {
		switch {
		case strings.HasPrefix(line, "# Rundate:"), strings.HasPrefix(line, "# Report_file:"):
			continue
		case strings.HasPrefix(line, "# Commandline:"):
			inCmd = true
			continue
		case inCmd && strings.HasPrefix(line, "#    "):
			continue
		}
		inCmd = false
		b.WriteString(line)
	}
	return b.String()
}

// runWater aligns query against ref (both as written, water cleans them)
// with waterArgs and returns the report without its volatile lines.
func runWater(ctx context.Context, dir string, ref, query []byte) (string, error) {
	return runWaterWith(ctx, dir, waterArgs, ref, query)
}

// runWaterWith aligns every query against ref in one water process with
// args (penalties, matrix, formats), the queries named query (one) or
// q0001, q0002, ... (several).
func runWaterWith(ctx context.Context, dir string, args []string, ref []byte, queries ...[]byte) (string, error) {
	a, b, o := filepath.Join(dir, "a.fa"), filepath.Join(dir, "b.fa"), filepath.Join(dir, "out.srspair")
	if err := os.WriteFile(a, append(append([]byte(">ref\n"), ref...), '\n'), 0o644); err != nil {
		return "", err
	}
	var fa bytes.Buffer
	for i, q := range queries {
		if len(queries) == 1 {
			fa.WriteString(">query\n")
		} else {
			fmt.Fprintf(&fa, ">q%04d\n", i+1)
		}
		fa.Write(q)
		fa.WriteByte('\n')
	}
	if err := os.WriteFile(b, fa.Bytes(), 0o644); err != nil {
		return "", err
	}
	args = append(append([]string(nil), args...), "-asequence", a, "-bsequence", b, "-outfile", o, "-auto")
	cmd := exec.CommandContext(ctx, "water", args...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("water: %v: %s", err, msg)
	}
	out, err := os.ReadFile(o)
	return stripVolatile(string(out)), err
}

func waterPct(n, length int) string {
	return fmt.Sprintf("%4.1f", float32(100*n)/float32(length))
}

// compareWater checks Native's alignment and Scoring.Stats against one
// parsed water result, field by field.
func compareWater(s *Scoring, w waterResult, al *Alignment) error {
	st := s.Stats(al)
	got := waterResult{
		Score:  s.FormatScore(al.Score),
		Length: st.Length, Identity: st.Identity, Similarity: st.Similarity, Gaps: st.Gaps,
		PctIdentity: waterPct(st.Identity, st.Length), PctSim: waterPct(st.Similarity, st.Length),
		PctGaps:  waterPct(st.Gaps, st.Length),
		RefStart: al.RefStart + 1, RefEnd: al.RefEnd + 1, QueryStart: al.QueryStart + 1, QueryEnd: al.QueryEnd + 1,
		AlignedRef: string(al.AlignedRef), AlignedQuery: string(al.AlignedQuery),
	}
	if got != w {
		return fmt.Errorf("native %+v\nwater  %+v", got, w)
	}
	return nil
}

func goldenPairs(t testing.TB) []pair { return append(realPairs(t), tiePairs(t)...) }

// floatGolden is a golden made with penalties that are not multiples of
// 1/64, where water's float arithmetic decides: each case below differs
// from exact integer arithmetic in gap placement, coordinates or the
// printed score (e.g. 3541.201), or depends on water's walk tolerance. Its file is floatGoldenDir/
// MATRIX_OPEN_EXTEND__PAIR.srspair.
type floatGolden struct {
	matrix    string
	open, ext float64
	pair      string
}

const floatGoldenDir = waterDir + "/float"

var floatGoldens = []floatGolden{
	{"EBLOSUM62", 7.3, 0.2, "ecoli_k12_parC__staphylococcus_parC"},
	{"EBLOSUM62", 7.3, 0.2, "ecoli_k12_murA__staphylococcus_murA"},
	{"EBLOSUM62", 7.3, 0.2, "ecoli_k12_gyrB__ecoli_k12_parE"},
	{"EBLOSUM62", 7.3, 0.2, "tie__indel042"},
	{"EBLOSUM62", 5, 0.1, "ecoli_k12_gyrA__staphylococcus_gyrA"},
	{"EBLOSUM62", 5, 0.1, "ecoli_k12_parC__enterococcus_parC"},
	{"EBLOSUM62", 5, 0.1, "tie__random004"},
	{"EBLOSUM62", 5, 0.1, "tie__random020"},
	{"EBLOSUM62", 5, 0.1, "tie__indel026"},
	{"EBLOSUM62", 5, 0.1, "tie__linker033"},
	{"EBLOSUM62", 5, 0.1, "tie__stop043"},
	{"EBLOSUM62", 15, 0.3, "ecoli_k12_parE__enterococcus_parE"},
	{"EBLOSUM62", 15, 0.3, "ecoli_k12_gyrA__ecoli_k12_parC"},
	{"EBLOSUM80", 8, 0.2, "ecoli_k12_gyrA__staphylococcus_gyrA"},
	{"EBLOSUM80", 8, 0.2, "tie__linker033"},
	{"EBLOSUM80", 8, 0.2, "tie__stop043"},
	{"EBLOSUM45", 12.7, 0.05, "ecoli_k12_acrR__derived_acrR_ins5_after100_acrR"},
	{"EBLOSUM45", 12.7, 0.05, "ecoli_k12_rpsL__staphylococcus_rpsL"},
	{"EBLOSUM45", 12.7, 0.05, "ecoli_k12_ompF__ecoli_k12_ompC"},
	{"EBLOSUM45", 12.7, 0.05, "tie__linker002"},
	{"EBLOSUM45", 12.7, 0.05, "tie__poly008"},
	{"EBLOSUM45", 12.7, 0.05, "tie__letters010"},
	{"EPAM250", 33.33, 1.7, "ecoli_k12_fusA__enterococcus_fusA"},
	{"EPAM250", 33.33, 1.7, "tie__indel017"},
	{"EBLOSUM62", 2.3, 0.003, "ecoli_k12_marR__enterococcus_marR"},
	{"EBLOSUM62", 2.3, 0.003, "ecoli_k12_folA__staphylococcus_folA"},
	{"EBLOSUM62", 2.3, 0.003, "tie__letters006"},
	{"EBLOSUM62", 2.3, 0.003, "tie__xrun041"},
	{"EBLOSUM62", 2.3, 0.003, "tie__quirkChain"},
	{"EBLOSUM62", 7.3333333, 0.123, "tie__indel019"},
	// Where the walk's tolerance of 0.01 (not exact equality, nor a tighter
	// one) finds the gap: float H drifts by more than 0.0001 here.
	{"EBLOSUM62", 1, 0.05, "ecoli_k12_gyrA__enterococcus_gyrA"},
	{"EPAM250", 2.5, 0.1, "ecoli_k12_gyrB__ecoli_k12_parE"},
	{"EBLOSUM80", 5, 0.1, "ecoli_k12_gyrA__ecoli_k12_parC"},
}

func (g floatGolden) file() string {
	return filepath.Join(floatGoldenDir, fmt.Sprintf("%s_%s_%s__%s.srspair", g.matrix,
		strconv.FormatFloat(g.open, 'f', -1, 64), strconv.FormatFloat(g.ext, 'f', -1, 64), g.pair))
}

// parseFloatGoldenName reads matrix, penalties and pair from a file name.
func parseFloatGoldenName(path string) (floatGolden, error) {
	base := strings.TrimSuffix(filepath.Base(path), ".srspair")
	params, pr, ok := strings.Cut(base, "__")
	f := strings.Split(params, "_")
	if !ok || len(f) != 3 {
		return floatGolden{}, fmt.Errorf("%s: not MATRIX_OPEN_EXTEND__PAIR.srspair", path)
	}
	open, err1 := strconv.ParseFloat(f[1], 64)
	ext, err2 := strconv.ParseFloat(f[2], 64)
	if err1 != nil || err2 != nil {
		return floatGolden{}, fmt.Errorf("%s: bad penalties", path)
	}
	return floatGolden{f[0], open, ext, pr}, nil
}

// checkFloatGolden compares Native with one float golden, after checking
// that the report's header names the matrix and penalties of its file name.
func checkFloatGolden(t *testing.T, path string, pairs map[string]pair) {
	t.Helper()
	g, err := parseFloatGoldenName(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	for _, h := range []string{"# Matrix: " + g.matrix + "\n", fmt.Sprintf("# Gap_penalty: %s\n", penaltyText(g.open)),
		fmt.Sprintf("# Extend_penalty: %s\n", penaltyText(g.ext))} {
		if !strings.Contains(text, h) {
			t.Errorf("%s: header lacks %q", path, strings.TrimSpace(h))
		}
	}
	pr, ok := pairs[g.pair]
	if !ok {
		t.Fatalf("%s: no pair %s", path, g.pair)
	}
	res, err := parseWater(text)
	if err != nil || len(res) != 1 {
		t.Fatalf("%s: %d alignments, %v", path, len(res), err)
	}
	s := mustScoring(t, g.matrix, g.open, g.ext)
	al, err := NewNative().Align(NewProfile(s, cleanLikeWater(pr.Ref.Seq)), cleanLikeWater(pr.Query.Seq))
	if err != nil {
		t.Fatal(err)
	}
	if err := compareWater(s, res[0], al); err != nil {
		t.Errorf("%s:\n%v", path, err)
	}
	// Water's three decimals give back a score that prints the same, within
	// half a thousandth of the float.
	if v, err := s.ParseScore(res[0].Score); err != nil || s.FormatScore(v) != res[0].Score ||
		math.Abs(float64(v-al.Score)) > 0.0005*float64(s.ScoreScale) {
		t.Errorf("%s: ParseScore(%q) = %d, %v; native %d", path, res[0].Score, v, err, al.Score)
	}
}

// penaltyText is how water's header prints a penalty: %.3f, then up to two
// trailing zeros dropped.
func penaltyText(v float64) string {
	b := strconv.AppendFloat(nil, v, 'f', 3, 64)
	for i := 1; i < 3 && b[len(b)-1] == '0'; i++ {
		b = b[:len(b)-1]
	}
	return string(b)
}

// checkFloatGoldens compares Native with the committed float goldens,
// which must be exactly the files floatGoldens lists.
func checkFloatGoldens(t *testing.T) {
	pairs := map[string]pair{}
	for _, pr := range goldenPairs(t) {
		pairs[pr.Name] = pr
	}
	files, err := filepath.Glob(filepath.Join(floatGoldenDir, "*.srspair"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, g := range floatGoldens {
		want[g.file()] = true
	}
	for _, f := range files {
		if !want[f] {
			t.Errorf("%s is not in floatGoldens", f)
		}
		delete(want, f)
		checkFloatGolden(t, f, pairs)
	}
	for f := range want {
		t.Errorf("%s missing (regenerate with -update-water)", f)
	}
	t.Logf("%d float golden water outputs match", len(files))
}

func writeFloatGoldens(t *testing.T) {
	if _, err := exec.LookPath("water"); err != nil {
		t.Fatalf("-update-water needs water on PATH: %v", err)
	}
	pairs := map[string]pair{}
	for _, pr := range goldenPairs(t) {
		pairs[pr.Name] = pr
	}
	old, _ := filepath.Glob(filepath.Join(floatGoldenDir, "*.srspair"))
	for _, f := range old {
		os.Remove(f)
	}
	if err := os.MkdirAll(floatGoldenDir, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, g := range floatGoldens {
		pr, ok := pairs[g.pair]
		if !ok {
			t.Fatalf("floatGoldens: no pair %s", g.pair)
		}
		out, err := runWaterWith(context.Background(), dir, gridArgs(g.matrix, g.open, g.ext), pr.Ref.Seq, pr.Query.Seq)
		if err != nil {
			t.Fatalf("%s: %v", g.file(), err)
		}
		if err := os.WriteFile(g.file(), []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestWaterGolden compares Native with the committed water outputs, at
// 10/0.5 and the float goldens. With -update-water it first regenerates
// them (water must be installed).
func TestWaterGolden(t *testing.T) {
	if *updateWater {
		writeGoldens(t)
	}
	s := mustScoring(t, "EBLOSUM62", 10, 0.5)
	e := NewNative()
	pairs := goldenPairs(t)
	if len(pairs) < 90 {
		t.Fatalf("only %d golden pairs", len(pairs))
	}
	noScore, notMax := 0, 0
	for _, pr := range pairs {
		b, err := os.ReadFile(filepath.Join(waterDir, pr.Name+".srspair"))
		if err != nil {
			t.Fatalf("%v (regenerate with -update-water)", err)
		}
		res, err := parseWater(string(b))
		if err != nil || len(res) != 1 {
			t.Fatalf("%s: %d alignments, %v", pr.Name, len(res), err)
		}
		al, err := e.Align(NewProfile(s, cleanLikeWater(pr.Ref.Seq)), cleanLikeWater(pr.Query.Seq))
		if err != nil {
			t.Fatal(err)
		}
		if err := compareWater(s, res[0], al); err != nil {
			t.Errorf("%s:\n%v", pr.Name, err)
		}
		// On the integer path water's printed score is exact.
		if v, err := s.ParseScore(res[0].Score); err != nil || v != al.Score {
			t.Errorf("%s: ParseScore(%q) = %d, %v; want %d", pr.Name, res[0].Score, v, err, al.Score)
		}
		switch end := scoreEndGeneric(NewProfile(s, cleanLikeWater(pr.Ref.Seq)), s.Matrix.Encode(cleanLikeWater(pr.Query.Seq))); {
		case end.Score == NoScore:
			noScore++
		case end.Score != end.Max:
			notMax++
		}
	}
	// The goldens must keep covering water's odd scores.
	if noScore == 0 || notMax == 0 {
		t.Errorf("goldens cover %d single-residue (no score) and %d score-is-not-max-H cases; want both", noScore, notMax)
	}
	t.Logf("%d golden water outputs match (%d without a score, %d whose score is not max H)", len(pairs), noScore, notMax)
	checkFloatGoldens(t)
}

func writeGoldens(t *testing.T) {
	if _, err := exec.LookPath("water"); err != nil {
		t.Fatalf("-update-water needs water on PATH: %v", err)
	}
	var fa bytes.Buffer
	for _, pr := range append(tieHeavyPairs(rand.New(rand.NewPCG(2024, 66)), 45), letterPairs()...) {
		fmt.Fprintf(&fa, ">%s\n%s\n>%s\n%s\n", pr.Ref.ID, pr.Ref.Seq, pr.Query.ID, pr.Query.Seq)
	}
	if err := os.WriteFile(filepath.Join(pairsDir, "tie_heavy.faa"), fa.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(waterDir, "*.srspair"))
	for _, f := range old {
		os.Remove(f)
	}
	dir := t.TempDir()
	for _, pr := range goldenPairs(t) {
		out, err := runWater(context.Background(), dir, pr.Ref.Seq, pr.Query.Seq)
		if err != nil {
			t.Fatalf("%s: %v", pr.Name, err)
		}
		if err := os.WriteFile(filepath.Join(waterDir, pr.Name+".srspair"), []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeFloatGoldens(t)
}

// TestWaterLive runs water on every golden pair (its output must still
// equal the golden) and on generated pairs, and compares Native with it;
// the float goldens must still be what water prints.
func TestWaterLive(t *testing.T) {
	if _, err := exec.LookPath("water"); err != nil {
		t.Skipf("water (EMBOSS) not on PATH, live comparison skipped: %v", err)
	}
	if testing.Short() {
		t.Skip("live water comparison skipped in -short mode")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	seed := *waterSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("generated pairs use -water-seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 77))
	golden := goldenPairs(t)
	gen := append(tieHeavyPairs(rng, 200), randomPairs(rng, 100, 600)...)
	s := mustScoring(t, "EBLOSUM62", 10, 0.5)
	e := NewNative()

	jobs := make(chan int)
	var mu sync.Mutex
	var failures []string
	fail := func(format string, a ...any) {
		mu.Lock()
		failures = append(failures, fmt.Sprintf(format, a...))
		mu.Unlock()
	}
	all := append(append([]pair(nil), golden...), gen...)
	var wg sync.WaitGroup
	for range 2 {
		dir := t.TempDir()
		wg.Go(func() {
			for i := range jobs {
				pr := all[i]
				out, err := runWater(ctx, dir, pr.Ref.Seq, pr.Query.Seq)
				if err != nil {
					fail("%s: %v", pr.Name, err)
					continue
				}
				if i < len(golden) {
					g, err := os.ReadFile(filepath.Join(waterDir, pr.Name+".srspair"))
					if err != nil || string(g) != out {
						fail("%s: live water output differs from the golden (%v); regenerate with -update-water", pr.Name, err)
					}
				}
				res, err := parseWater(out)
				if err != nil || len(res) != 1 {
					fail("%s: %d alignments, %v", pr.Name, len(res), err)
					continue
				}
				al, err := e.Align(NewProfile(s, cleanLikeWater(pr.Ref.Seq)), cleanLikeWater(pr.Query.Seq))
				if err == nil {
					err = compareWater(s, res[0], al)
				}
				if err != nil {
					fail("%s (ref %s query %s):\n%v", pr.Name, pr.Ref.Seq, pr.Query.Seq, err)
				}
			}
		})
	}
	for i := range all {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	pairs := map[string]pair{}
	for _, pr := range golden {
		pairs[pr.Name] = pr
	}
	dir := t.TempDir()
	for _, g := range floatGoldens {
		pr := pairs[g.pair]
		out, err := runWaterWith(ctx, dir, gridArgs(g.matrix, g.open, g.ext), pr.Ref.Seq, pr.Query.Seq)
		if err != nil {
			fail("%s: %v", g.file(), err)
			continue
		}
		if b, err := os.ReadFile(g.file()); err != nil || string(b) != out {
			fail("%s: live water output differs from the golden (%v); regenerate with -update-water", g.file(), err)
		}
	}
	for _, f := range failures {
		t.Error(f)
	}
	t.Logf("water live: %d golden + %d generated pairs compared, %d float goldens reproduced", len(golden), len(gen), len(floatGoldens))
}

func TestParseWaterRejectsTruncated(t *testing.T) {
	text := "# Aligned_sequences: 2\n# Length: 3\n# Score: 14.0\nref 1 MKV 3\n |||\nquery 1 MK 2\n"
	if _, err := parseWater(text); err == nil {
		t.Fatal("truncated alignment accepted")
	}
}

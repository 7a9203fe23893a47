package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/output"
	"github.com/wtalign/wtalign/report"
)

// writeFile writes content to name in dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// prepareErr is the error Prepare gives for s (the test fails if it
// succeeds).
func prepareErr(t *testing.T, s Spec) error {
	t.Helper()
	if _, err := Prepare(context.Background(), s, Env{}); err != nil {
		return err
	}
	t.Fatalf("Prepare accepted %+v", s)
	return nil
}

// fieldKey is the Key of err as a *FieldError ("" if it is not one).
func fieldKey(err error) string {
	var fe *FieldError
	if errors.As(err, &fe) {
		return fe.Key
	}
	return ""
}

// TestPrepareInfileList: --infile-list adds its paths after the inputs,
// skipping blank lines, '#' comments, surrounding spaces and CR; an
// unreadable, empty or NUL-bearing list is refused naming the list and
// the line.
func TestPrepareInfileList(t *testing.T) {
	dir := t.TempDir()
	list := writeFile(t, dir, "inputs.txt", "# genomes\r\n\n  ../testdata/pairs/variant_ecoli_gyrA.faa  \r\n"+variants+"\n")
	s := scanSpec(AssignName, "../testdata/pairs/variant_ecoli_nfsA_stop.faa")
	s.InfileList, s.SkipUnassigned = list, true
	p, err := Prepare(context.Background(), s, Env{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"../testdata/pairs/variant_ecoli_nfsA_stop.faa", "../testdata/pairs/variant_ecoli_gyrA.faa", variants}
	if fmt.Sprint(p.Spec.Inputs) != fmt.Sprint(want) || fmt.Sprint(p.Job.Inputs) != fmt.Sprint(want) {
		t.Errorf("inputs %v (job %v), want %v", p.Spec.Inputs, p.Job.Inputs, want)
	}
	if len(s.Inputs) != 1 {
		t.Errorf("Prepare changed the caller's Spec.Inputs: %v", s.Inputs)
	}

	only := DefaultSpec()
	only.Reference, only.Threads = k12Refs, 1
	only.InfileList = writeFile(t, dir, "one.txt", variants+"\n")
	if p, err := Prepare(context.Background(), only, Env{}); err != nil || fmt.Sprint(p.Spec.Inputs) != "["+variants+"]" {
		t.Errorf("a list without --inputs: %v", err)
	}

	for _, c := range []struct {
		name, content, want string
	}{
		{"empty.txt", "# nothing\n\n   \n", "input list " + filepath.Join(dir, "empty.txt") + ": no file names in it"},
		{"nul.txt", "a.faa\n# c\nb\x00.faa\n", "input list " + filepath.Join(dir, "nul.txt") + " line 3: contains a NUL byte"},
	} {
		only.InfileList = writeFile(t, dir, c.name, c.content)
		if err := prepareErr(t, only); err.Error() != c.want {
			t.Errorf("%s: %q, want %q", c.name, err, c.want)
		}
	}
	only.InfileList = filepath.Join(dir, "missing.txt")
	if err := prepareErr(t, only); !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "input list: ") {
		t.Errorf("missing list: %v", err)
	}
	// A path given both directly and in the list is one genome read twice.
	dup := scanSpec(AssignName, variants)
	dup.InfileList = writeFile(t, dir, "dup.txt", variants+"\n")
	if err := prepareErr(t, dup); fieldKey(err) != "inputs" || !strings.Contains(err.Error(), "given twice") {
		t.Errorf("input twice via the list: %v", err)
	}
}

// TestPrepareRefusesOutputPaths: before any work, an output that is a file
// the run reads, a missing or non-directory output directory and a
// metrics file in a missing directory are refused, naming the path.
func TestPrepareRefusesOutputPaths(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "q.faa", ">q|gyrA|x\nMSDLAREITPVNIEEELK\n")
	base := scanSpec(AssignName, in)

	s := base
	s.Out = in
	err := prepareErr(t, s)
	if fieldKey(err) != "out" || !errors.Is(err, ErrSpec) || err.Error() != "out: refusing to overwrite: the output path is the input "+in+"; choose another output path" {
		t.Errorf("output = input: %q", err)
	}
	s = base
	s.Out, s.Manifest = filepath.Join(dir, "o.json"), k12Refs
	if err := prepareErr(t, s); fieldKey(err) != "out" || !strings.Contains(err.Error(), "the manifest path is the reference") {
		t.Errorf("manifest = reference: %q", err)
	}
	s = base
	s.Out = filepath.Join(dir, "o.json")
	cfg := writeFile(t, dir, "run.yaml", "threads: 1\n")
	if _, err := Prepare(context.Background(), func() Spec { x := s; x.Manifest = cfg; return x }(), Env{Protected: []string{cfg}}); fieldKey(err) != "out" || !strings.Contains(err.Error(), "config file") {
		t.Errorf("manifest = config file: %v", err)
	}

	s = base
	s.Out = filepath.Join(dir, "nodir", "o.json")
	want := "output " + s.Out + ": directory " + filepath.Join(dir, "nodir") + " does not exist; create it first"
	if err := prepareErr(t, s); err.Error() != want || errors.Is(err, ErrSpec) {
		t.Errorf("missing output directory: %q, want %q (not ErrSpec)", err, want)
	}
	s.Out = filepath.Join(in, "o.json")
	if err := prepareErr(t, s); err.Error() != "output "+s.Out+": "+in+" is not a directory" {
		t.Errorf("output directory is a file: %q", err)
	}
	s = base
	s.Out = filepath.Join(dir, "o.json")
	s.Manifest = filepath.Join(dir, "mdir", "o.manifest.json")
	if err := prepareErr(t, s); !strings.Contains(err.Error(), "directory "+filepath.Join(dir, "mdir")+" does not exist") {
		t.Errorf("missing manifest directory: %q", err)
	}
	if runtime.GOOS != "windows" && os.Geteuid() != 0 { // root writes anywhere
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		s = base
		s.Out = filepath.Join(ro, "o.json")
		if err := prepareErr(t, s); !strings.Contains(err.Error(), "directory "+ro+" is not writable") {
			t.Errorf("read-only directory: %q", err)
		}
	}

	s = base
	s.MetricsFile = filepath.Join(dir, "nodir", "run.prom")
	if err := prepareErr(t, s); !strings.HasPrefix(err.Error(), "metrics: directory of "+s.MetricsFile) {
		t.Errorf("metrics file in a missing directory: %q", err)
	}
	// With stdout as the output, the metrics file still must not be an input.
	s = base
	s.MetricsFile = writeFile(t, dir, "old.prom", "")
	s.Inputs = []string{in, s.MetricsFile}
	if err := prepareErr(t, s); !errors.Is(err, output.ErrClobber) || !strings.Contains(err.Error(), "the metrics file path is the input") {
		t.Errorf("metrics file = input with stdout output: %q", err)
	}
	// A stream target (a device) has no manifest beside it: nothing to refuse.
	if runtime.GOOS != "windows" {
		s = base
		s.Out = os.DevNull
		if _, err := Prepare(context.Background(), s, Env{}); err != nil {
			t.Errorf("out %s: %v", os.DevNull, err)
		}
	}
}

// TestPrepareMatrixAndGaps: an unknown matrix is a FieldError on matrix.
func TestPrepareMatrix(t *testing.T) {
	s := scanSpec(AssignName, variants)
	s.Matrix = "EBLOSUM99"
	err := prepareErr(t, s)
	if fieldKey(err) != "matrix" || !errors.Is(err, ErrSpec) || !strings.HasPrefix(err.Error(), `matrix "EBLOSUM99": `) {
		t.Errorf("unknown matrix: %v", err)
	}
	s.Matrix = "EPAM250"
	p, err := Prepare(context.Background(), s, Env{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Matrix.Name != "EPAM250" || p.Job.EngineInfo.Matrix != "EPAM250" || p.Job.EngineInfo.GapOpen != 10 || p.Job.EngineInfo.GapExtend != 0.5 {
		t.Errorf("engine info %+v", p.Job.EngineInfo)
	}
}

// TestPrepareMissingKeys: under --assign name every gene key without a
// reference is refused before any output, listing ten keys with their
// first record and the count of the others; --skip-unassigned runs and
// marks those records skipped.
func TestPrepareMissingKeys(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString(">q0|gyrA|known\nMSDLAREITPVNIEEELKSSYLDYAMSVIVGRALPDVRDGLKPVHRRVLYAMNVLGNDWNKAYKKSARVVGDVIGKYHPHGDSAVYDTIVRMAQPFSLRYMLVDGQGNFGSIDGDSAAAMRYTEIRLAKIAHELMADLEKETVDFVDNYDGTEKIPDVMPTKIPNLLVNGSSGIAVGMATNIPPHNLTEVINGCLAYIDDEDISIEGLMEHIPGPDFPTAAIINGRRGIEEAYRTGRGKVYIRARAEVEVDAKTGRETIIVHEIPYQVNKARLIEKIAELVKEKRVEGISALRDESDKDGMRIVIEVKRDAVGEVVLNNLYSQTQLQVSFGINMVALHHGQPKIMNLKDIIAAFVRHRREVVTRRTIFELRKARDRAHILEALAVALANIDPIIELIRHAPTPAEAKTALVANPWQLGNVAAMLERAGDDAARPEWLEPEFGVRDGLYYLTEQQAQAILDLRLQKLTGLEHEKLLDEYKELLDQIAELLRILGSADRLMEVIREELELVREQFGDKRRTEITANSADINLEDLITQEDVVVTLSHQGYVKYQPLSEYEAQRRGGKGKSAARIKEEDFIDRLLVANTHDHILCFSSRGRVYSMKVYQLPEATRGARGRPIVNLLPLEQDERITAILPVTEFEEGVKVFMATANGTVKKTVLTEFNRLRTAGKVAIKLVDGDELIGVDLTSGEDEVMLFSAEGKVVRFKESSVRAMGCNTTGVRGIRLGEGDKVVSLIVPRGDGAILTATQNGYGKRTAVAEYPTKSRATKGVISIKVTERNGLVVGAVQVDDCDQIMMITDAGTLVRTRVSEISIVGRNTQGVILIRTAEDENVVGLQRVAEPVDEEDLDTIDGSAAEGDDEIAPEVDVDDEPEEE\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, ">q%d|zz%02d|absent\nMKVLAAGIVALLLAAGCSSS\n", i, i)
	}
	fmt.Fprintf(&b, ">q13|zz01|absent\nMKVLAAGIVALLLAAGCSSS\n>nokey\nMKVLAAGIVALLLAAGCSSS\n")
	in := writeFile(t, dir, "q.faa", b.String())
	s := scanSpec(AssignName, in)
	err := prepareErr(t, s)
	want := fmt.Sprintf(`no reference for 13 gene keys: (none: %[1]s record 15 "nokey" carries no gene key), "zz01" (%[1]s record 2 "q1|zz01|absent" and 1 more), "zz02" (%[1]s record 3 "q2|zz02|absent"), `, in)
	if !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("got  %q\nwant prefix %q", err, want)
	}
	if !strings.HasSuffix(err.Error(), `, ... (3 more) (add the wild types to `+k12Refs+`, or use --skip-unassigned or --assign best)`) {
		t.Errorf("the list of keys is not cut after ten: %q", err)
	}
	s.SkipUnassigned = true
	recs := runSpec(t, s)
	if len(recs) != 15 {
		t.Fatalf("%d records, want 15", len(recs))
	}
	if r := recs["q0|gyrA|known"]; r.Status != "wildtype" || r.Reference.Gene != "gyrA" {
		t.Errorf("the known gene: %s %+v", r.Status, r.Reference)
	}
	if r := recs["q12|zz12|absent"]; r.Status != "skipped" || r.Error != `no reference for gene key "zz12"` || r.StatusReason != "" {
		t.Errorf("an unknown gene: %s %q", r.Status, r.Error)
	}
	if r := recs["nokey"]; r.Status != "skipped" || r.Error != `query ID "nokey" carries no gene key` {
		t.Errorf("a record without a key: %s %q", r.Status, r.Error)
	}
}

// TestPrepareMapMode: --assign map assigns each query ID to the mapped
// reference whatever its header says, and refuses a bad map naming the
// file and line, and queries the map lacks.
func TestPrepareMapMode(t *testing.T) {
	dir := t.TempDir()
	in := "../testdata/pairs/variant_ecoli_gyrA.faa"
	recs, err := fastaIDs(in)
	if err != nil {
		t.Fatal(err)
	}
	var m strings.Builder
	m.WriteString("# query\treference\n\n")
	for _, id := range recs {
		fmt.Fprintf(&m, "%s\tecoli_k12|gyrA|NP_416734.1\r\n", id)
	}
	fmt.Fprintf(&m, "%s\tecoli_k12|gyrA|NP_416734.1\n", recs[0]) // the same pair again is fine
	good := writeFile(t, dir, "good.map", m.String())
	s := scanSpec(AssignMap, in)
	s.Map = good
	got := runSpec(t, s)
	if len(got) != len(recs) {
		t.Fatalf("%d records, want %d", len(got), len(recs))
	}
	for id, r := range got {
		if r.Reference == nil || r.Reference.ID != "ecoli_k12|gyrA|NP_416734.1" || r.Engine.Assign != AssignMap {
			t.Errorf("%s: reference %+v, assign %q", id, r.Reference, r.Engine.Assign)
		}
	}

	for _, c := range []struct{ name, content, want string }{
		{"cols.map", "# c\n" + recs[0] + "\n", "line 2: want query_id<TAB>reference_id, got 1 column(s)"},
		{"three.map", recs[0] + "\ta\tb\n", "line 1: want query_id<TAB>reference_id, got 3 column(s)"},
		{"emptycol.map", "\tecoli_k12|gyrA|NP_416734.1\n", "line 1: want query_id<TAB>reference_id, got 2 column(s)"},
		{"ref.map", recs[0] + "\tecoli_k12|gyrZ\n", `line 1: reference "ecoli_k12|gyrZ" is not in the reference file`},
		{"twice.map", recs[0] + "\tecoli_k12|gyrA|NP_416734.1\n" + recs[0] + "\tecoli_k12|parC|NP_417491.1\n", fmt.Sprintf("line 2: query %q mapped twice", recs[0])},
	} {
		s.Map = writeFile(t, dir, c.name, c.content)
		if err := prepareErr(t, s); err.Error() != "map file "+s.Map+" "+c.want {
			t.Errorf("%s: %q, want %q", c.name, err, "map file "+s.Map+" "+c.want)
		}
	}
	s.Map = filepath.Join(dir, "missing.map")
	if err := prepareErr(t, s); !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "map file: ") {
		t.Errorf("missing map: %v", err)
	}

	s.Map = writeFile(t, dir, "part.map", recs[0]+"\tecoli_k12|gyrA|NP_416734.1\n")
	err = prepareErr(t, s)
	// sorted by query ID: record 5 (E7Q...) first
	want := fmt.Sprintf("no reference for %d query IDs missing from the map: %s record 5 %q, %s record 4 %q, ", len(recs)-1, in, recs[4], in, recs[3])
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("queries missing from the map:\n got %q\nwant %q...", err, want)
	}
	s.SkipUnassigned = true
	got = runSpec(t, s)
	if r := got[recs[1]]; r.Status != "skipped" || r.Error != fmt.Sprintf("query ID %q is not in the map file", recs[1]) {
		t.Errorf("unmapped query: %s %q", r.Status, r.Error)
	}
	if r := got[recs[0]]; r.Reference == nil || r.Reference.Gene != "gyrA" {
		t.Errorf("mapped query: %+v", r.Reference)
	}
}

func fastaIDs(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, ">") {
			id, _, _ := strings.Cut(l[1:], " ")
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// TestPrepareSameInputTwice: one input file under two spellings (./x,
// a symlink) is refused like the same name given twice (it was read
// twice, every record doubled).
func TestPrepareSameInputTwice(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(variants)
	if err != nil {
		t.Fatal(err)
	}
	x := writeFile(t, dir, "x.faa", string(b))
	link := filepath.Join(dir, "link.faa")
	if err := os.Symlink(x, link); err != nil {
		t.Skip(err)
	}
	for _, second := range []string{dir + "/./x.faa", link} {
		s := scanSpec(AssignName, x, second)
		s.Out = filepath.Join(dir, "out.json")
		err := prepareErr(t, s)
		if fieldKey(err) != "inputs" || !strings.Contains(err.Error(), "is the same file as "+x) {
			t.Errorf("%s after %s: %v", second, x, err)
		}
	}
}

// TestPrepareSharedGeneKey: a gene key shared by several wild types (alleles,
// compared without case) is one gene with several references: under
// --assign name each query of the gene goes to the best-scoring one, the
// record names it, copies of the gene are numbered across alleles, and a
// tie (S scores 0 against D and E) goes to the first in the reference
// file, flagged.
func TestPrepareSharedGeneKey(t *testing.T) {
	dir := t.TempDir()
	const head, tail = "MSDLAREITPVNIEEELKSSYLDYAMSVIVGRALPDVRDG", "LKPVHRRVLYAMNVLGNDWNKAYKKSARVVGDVIGKYHPHGDSAVY"
	ref := writeFile(t, dir, "refs.faa", ">a|gyrA|one\n"+head+"D"+tail+"\n>b|GYRA|two\n"+head+"E"+tail+"\n")
	q := writeFile(t, dir, "q.faa", ">q1|gyrA|x\n"+head+"D"+tail+"\n>q2|gyra|y\n"+head+"E"+tail+"\n>q3|GyrA|z\n"+head+"S"+tail+"\n")
	for _, mode := range []string{AssignName, AssignBest} {
		s := scanSpec(mode, q)
		s.Reference = ref
		got := runSpec(t, s)
		for _, w := range []struct{ id, ref, status string }{
			{"q1|gyrA|x", "a|gyrA|one", "wildtype"}, {"q2|gyra|y", "b|GYRA|two", "wildtype"}, {"q3|GyrA|z", "a|gyrA|one", "mutant"},
		} {
			r := got[w.id]
			if r == nil || r.Reference == nil || r.Reference.ID != w.ref || r.Status != w.status {
				t.Fatalf("%s: %s: %+v", mode, w.id, r)
			}
		}
		tied := slices.Contains(got["q3|GyrA|z"].Flags, report.FlagTiedReferences)
		if !tied {
			t.Errorf("%s: q3 scores the same against both alleles but is not flagged: %v", mode, got["q3|GyrA|z"].Flags)
		}
		if mode == AssignName {
			for _, id := range []string{"q1|gyrA|x", "q2|gyra|y", "q3|GyrA|z"} {
				if r := got[id]; r.CopyIndex == 0 || !slices.Contains(r.Flags, report.FlagMultipleCopies) {
					t.Errorf("name: %s: three copies of gyrA across two alleles, copy_index %d, flags %v", id, r.CopyIndex, r.Flags)
				}
			}
		}
	}
}

func TestPrepareAutoMode(t *testing.T) {
	dir := t.TempDir()
	unkeyed := writeFile(t, dir, "plain.faa", ">WP_000001.1 DNA gyrase subunit A\nMSDLAREITPVNIEEELKSSYLDYAMSVIVGRALPD\n")
	for _, c := range []struct {
		in, want string
	}{{variants, AssignName}, {unkeyed, AssignBest}} {
		s := scanSpec(AssignAuto, c.in)
		p, err := Prepare(context.Background(), s, Env{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Mode() != c.want {
			t.Errorf("%s: mode %q, want %q", c.in, p.Mode(), c.want)
		}
		if cfg := fmt.Sprintf("%+v", p.identityConfig()); !strings.Contains(cfg, "Assign:"+c.want+" ") {
			t.Errorf("%s: identity %s does not carry the resolved mode", c.in, cfg)
		}
	}
	if m, err := PeekMode([]string{"-", variants}, nil); err != nil || m != AssignAuto {
		t.Errorf("stdin first: %q %v, want auto (decided by the run)", m, err)
	}
	if m, err := PeekMode(nil, nil); err != nil || m != AssignAuto {
		t.Errorf("no inputs: %q %v", m, err)
	}
	empty := writeFile(t, dir, "empty.faa", "")
	if _, err := PeekMode([]string{empty}, nil); err == nil {
		t.Error("PeekMode of an empty file: no error")
	}
	if _, err := PeekMode([]string{filepath.Join(dir, "none.faa")}, nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("PeekMode of a missing file: %v", err)
	}
	// A key regex decides what a gene key is.
	keyed := writeFile(t, dir, "keyed.faa", ">WP_1 DNA gyrase [gene=gyrA]\nMSDLAREITPVNIEEELKSSYLDYAMSVIVGRALPD\n")
	s := scanSpec(AssignAuto, keyed)
	s.KeyRegex = `\[gene=(\w+)\]`
	p, err := Prepare(context.Background(), s, Env{})
	if err != nil || p.Mode() != AssignName {
		t.Errorf("key regex: mode %v %v, want name", p, err)
	}
}

// TestNewAssignerModes: the modes Prepare never passes are refused.
func TestNewAssignerModes(t *testing.T) {
	if _, err := NewAssigner(AssignMap, nil, nil, ""); err == nil || err.Error() != "--assign map needs --map FILE" {
		t.Errorf("map without a file: %v", err)
	}
	if _, err := NewAssigner("guess", nil, nil, ""); err == nil || err.Error() != `unknown assignment mode "guess"` {
		t.Errorf("unknown mode: %v", err)
	}
}

// TestCheckCatalogs: without a reference the catalogs are only parsed;
// with one they are resolved to it; alias and matrix problems name the
// field.
func TestCheckCatalogs(t *testing.T) {
	s := catalogSpec()
	cats, ix, err := CheckCatalogs(Spec{Catalogs: s.Catalogs})
	if err != nil || len(cats) != len(s.Catalogs) || ix != nil {
		t.Fatalf("no reference: %d catalogs, index %v, %v", len(cats), ix, err)
	}
	cats, ix, err = CheckCatalogs(s)
	if err != nil || len(cats) != len(s.Catalogs) || ix == nil || len(ix.Report.Catalogs) != len(s.Catalogs) {
		t.Fatalf("with the reference: %d catalogs, index %v, %v", len(cats), ix, err)
	}
	for i, res := range ix.Report.Catalogs {
		if res.Entries == 0 || len(res.Genes) == 0 {
			t.Errorf("catalog %d resolved no entries: %+v", i, res)
		}
	}
	bad := s
	bad.Matrix = "NOPE"
	if _, _, err := CheckCatalogs(bad); fieldKey(err) != "matrix" {
		t.Errorf("bad matrix: %v", err)
	}
	bad = s
	bad.GeneAliases = []string{"=basS"}
	if _, _, err := CheckCatalogs(bad); fieldKey(err) != "gene-alias" || !strings.Contains(err.Error(), "want catalog_gene=reference_gene") {
		t.Errorf("bad alias: %v", err)
	}
	bad.GeneAliases = []string{filepath.Join(t.TempDir(), "aliases.tsv")}
	if _, _, err := CheckCatalogs(bad); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing alias file: %v", err)
	}
	bad = s
	bad.Catalogs = append([]string{filepath.Join(t.TempDir(), "none.tsv")}, s.Catalogs...)
	if _, _, err := CheckCatalogs(bad); err == nil {
		t.Error("missing catalog: no error")
	}
	if _, _, err := CheckCatalogs(Spec{Catalogs: bad.Catalogs}); err == nil {
		t.Error("missing catalog without a reference: no error")
	}
	// The plan exposes what it loaded.
	p, err := Prepare(context.Background(), s, Env{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Catalogs()) != len(s.Catalogs) || p.CatalogIndex() == nil || len(p.catDigest()) != len(s.Catalogs) {
		t.Errorf("plan: %d catalogs, index %v, digest %v", len(p.Catalogs()), p.CatalogIndex(), p.catDigest())
	}
	for _, d := range p.catDigest() {
		if !strings.Contains(d, " sha256:") {
			t.Errorf("digest %q", d)
		}
	}
	plain, err := Prepare(context.Background(), scanSpec(AssignName, variants), Env{})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Catalogs() != nil || plain.CatalogIndex() != nil || plain.catDigest() != nil {
		t.Error("a plan without catalogs reports some")
	}
}

package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/fasta"
	"github.com/wtalign/wtalign/gencode"
	"github.com/wtalign/wtalign/variant"
)

// Test data, all inside the repository (see testdata/catalogs/PROVENANCE.md
// and testdata/variant/PROVENANCE.md).
var (
	pfRoot     = filepath.Join("..", "testdata", "catalogs", "pointfinder_db")
	amrSample  = filepath.Join("..", "testdata", "catalogs", "amrfinder_format", "AMRProt-mutation.sample.tsv")
	variantDir = filepath.Join("..", "testdata", "variant")
)

func pfDir(species string) string { return filepath.Join(pfRoot, species) }

func mustLoad(t testing.TB, path string, opt LoadOptions) *Catalog {
	t.Helper()
	c, err := Load(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// readRecords reads a FASTA file of testdata/variant.
func readRecords(t testing.TB, name string) []*fasta.Record {
	t.Helper()
	recs, err := fasta.ReadAll(filepath.Join(variantDir, name), fasta.Options{Role: fasta.Query})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// k12Refs are the 38 K-12 wild types as catalog references.
func k12Refs(t testing.TB) []Reference {
	t.Helper()
	recs, err := fasta.ReadAll(filepath.Join(variantDir, "ref_ecoli_k12_mg1655.faa"), fasta.Options{Role: fasta.Reference})
	if err != nil {
		t.Fatal(err)
	}
	var refs []Reference
	for _, r := range recs {
		refs = append(refs, NewReference(r.ID, r.Description, fasta.GeneKey(r.ID, r.Description, nil), r.Seq))
	}
	return refs
}

func refByGene(t testing.TB, refs []Reference, gene string) Reference {
	t.Helper()
	for _, r := range refs {
		if r.Gene == gene {
			return r
		}
	}
	t.Fatalf("no reference %s", gene)
	return Reference{}
}

// speciesRefs translates a PointFinder species folder's reference genes.
func speciesRefs(t testing.TB, species string) []Reference {
	t.Helper()
	code, err := gencode.Lookup(11)
	if err != nil {
		t.Fatal(err)
	}
	wts, _, err := References(pfDir(species), code)
	if err != nil {
		t.Fatal(err)
	}
	var refs []Reference
	for _, w := range wts {
		refs = append(refs, NewReference(w.ID, w.Description, w.Gene, w.Protein))
	}
	return refs
}

var (
	scoringOnce sync.Once
	scoring     *aligner.Scoring
	scoringErr  error
)

// call aligns query to ref with water's defaults (the oracle) and calls it,
// as a run does for a named query.
func call(t testing.TB, ref Reference, query []byte, endsAtStop bool) Copy {
	t.Helper()
	scoringOnce.Do(func() {
		m, err := aligner.LoadMatrix("EBLOSUM62")
		if err != nil {
			scoringErr = err
			return
		}
		scoring, scoringErr = aligner.NewScoring(aligner.Params{Matrix: m, GapOpen: 10, GapExtend: 0.5})
	})
	if scoringErr != nil {
		t.Fatal(scoringErr)
	}
	al, err := aligner.Oracle{}.Align(aligner.NewProfile(scoring, ref.Seq), query)
	if err != nil {
		t.Fatal(err)
	}
	res, err := variant.Call(variant.Input{Gene: ref.Gene, Ref: ref.Seq, Query: query, Aln: al, RefEndsWithStop: true, QueryEndsAtStop: endsAtStop})
	if err != nil {
		t.Fatal(err)
	}
	return Copy{Reference: ref.ID, Mutations: res.Mutations, NotCovered: res.NotCovered}
}

// withEdits returns a copy of seq with 1-based substitutions like "S83L".
func withEdits(t testing.TB, seq []byte, edits ...string) []byte {
	t.Helper()
	out := []byte(strings.ToUpper(string(seq)))
	for _, e := range edits {
		ref, alt := e[0], e[len(e)-1]
		var pos int
		for _, c := range e[1 : len(e)-1] {
			pos = pos*10 + int(c-'0')
		}
		if pos < 1 || pos > len(out) || out[pos-1] != ref {
			t.Fatalf("edit %s: residue %d is not %c", e, pos, ref)
		}
		out[pos-1] = alt
	}
	return out
}

func writeFile(t testing.TB, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// shorts lists the short names of the calls of an annotated copy with
// their verdicts: "S83L known".
func verdicts(c AnnotatedCopy) []string {
	out := []string{}
	for _, a := range c.Calls {
		out = append(out, a.Mutation.Short+" "+a.Verdict)
	}
	return out
}

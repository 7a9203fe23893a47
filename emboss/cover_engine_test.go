package emboss

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wtalign/wtalign/aligner"
)

// replay writes a fake water into a temporary directory that answers like
// the fakes of testdata/emboss/fake (common.sh) and writes the real water
// output of testdata/emboss/fixtures: the marR set for a batch of 8
// queries, the gyrA set for any other batch, and the first marR alignment
// alone for a batch of one. edit is a sed script applied to that output.
func replay(t *testing.T, edit string) *Water {
	t.Helper()
	common, err := filepath.Abs(filepath.Join(testdata, "fake", "common.sh"))
	if err != nil {
		t.Fatal(err)
	}
	script := `#!/bin/bash
. "` + common + `"
n=$(grep -c '>' "$bseq")
case "$n" in
1) awk '/^#=======/{k++} k==3{exit} {print}' "$fixtures/marR.$fmt"
   printf '#---------------------------------------\n#---------------------------------------\n' ;;
8) cat "$fixtures/marR.$fmt" ;;
*) cat "$fixtures/gyrA.$fmt" ;;
esac | sed -e '` + edit + `' > "$outfile"
`
	path := filepath.Join(t.TempDir(), "water")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	w, err := Detect(path)
	if err != nil {
		t.Fatalf("detect replay: %v", err)
	}
	return w
}

// TestEngineAlignPairs: pairs of two references, interleaved, go to water
// as one batch per reference and come back in pair order, equal to the
// oracle's (the fixtures are real water output).
func TestEngineAlignPairs(t *testing.T) {
	marR, mqs := fixtureSet(t, "marR")
	gyrA, gqs := fixtureSet(t, "gyrA")
	var pairs []aligner.Pair
	for i := 0; i < len(mqs) || i < len(gqs); i++ {
		if i < len(gqs) {
			pairs = append(pairs, aligner.Pair{Profile: gyrA, Query: gqs[i]})
		}
		if i < len(mqs) {
			pairs = append(pairs, aligner.Pair{Profile: marR, Query: mqs[i]})
		}
	}
	for _, f := range []Format{FormatMarkx10, FormatSrspair} {
		fellBack := 0
		e := &Engine{Water: replay(t, ""), Opts: Options{Format: f, TempDir: t.TempDir()}, CheckStats: true,
			OnFallback: func(error, int) { fellBack++ }}
		if e.Name() != "water" {
			t.Errorf("Name %q", e.Name())
		}
		got, err := e.AlignPairs(context.Background(), pairs)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(got) != len(pairs) || fellBack != 0 {
			t.Fatalf("%s: %d results for %d pairs, %d fallbacks", f, len(got), len(pairs), fellBack)
		}
		for i, r := range got {
			want, _ := aligner.Oracle{}.Align(pairs[i].Profile, pairs[i].Query)
			if r.Err != nil || r.FallbackUsed {
				t.Errorf("%s: pair %d: err %v, fallback %v", f, i, r.Err, r.FallbackUsed)
			}
			if d := sameAlignment(r.Aln, want); d != "" {
				t.Errorf("%s: pair %d: %s differ from the oracle", f, i, d)
			}
		}
	}
}

// TestEngineAlign: one pair is one water process; its failure is the
// batch error.
func TestEngineAlign(t *testing.T) {
	p, qs := fixtureSet(t, "marR")
	e := &Engine{Water: replay(t, ""), Opts: Options{TempDir: t.TempDir()}}
	got, err := e.Align(p, qs[0])
	if err != nil {
		t.Fatal(err)
	}
	want, _ := aligner.Oracle{}.Align(p, qs[0])
	if d := sameAlignment(got, want); d != "" || got.Score != want.Score {
		t.Errorf("%s differ:\n%s\n%s", d, describe(got), describe(want))
	}
	e.Water = fake(t, "exit1")
	if _, err := e.Align(p, qs[0]); !errors.Is(err, ErrExit) || !strings.Contains(err.Error(), "Died: water terminated") {
		t.Errorf("exit 1: %v", err)
	}
	if _, err := e.AlignPairs(context.Background(), []aligner.Pair{{Profile: p, Query: qs[0]}}); !errors.Is(err, ErrExit) {
		t.Errorf("AlignPairs, exit 1, no fallback: %v", err)
	}
}

// TestEngineFallbackAndCheckStats: a crashed batch is aligned by the
// fallback, reported once with its size and marked per pair (its stats are
// not checked); with CheckStats a printed Identity that its aligned
// strings do not give fails that pair only.
func TestEngineFallbackAndCheckStats(t *testing.T) {
	p, qs := fixtureSet(t, "marR")
	pairs := make([]aligner.Pair, len(qs))
	for i, q := range qs {
		pairs[i] = aligner.Pair{Profile: p, Query: q}
	}
	type fb struct {
		err error
		n   int
	}
	var seen []fb
	e := &Engine{Water: fake(t, "crash"), Opts: Options{TempDir: t.TempDir(), Fallback: aligner.Oracle{}}, CheckStats: true,
		OnFallback: func(err error, n int) { seen = append(seen, fb{err, n}) }}
	got, err := e.AlignPairs(context.Background(), pairs)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0].n != len(qs) || !errors.Is(seen[0].err, ErrCrash) {
		t.Errorf("fallbacks reported: %+v", seen)
	}
	for i, r := range got {
		if !r.FallbackUsed || r.Err != nil {
			t.Errorf("pair %d: fallback %v, err %v", i, r.FallbackUsed, r.Err)
		}
	}

	// The first alignment's Identity line says 138 instead of 139.
	e = &Engine{Water: replay(t, `0,/^# Identity:     139\/144/s//# Identity:     138\/144/`), Opts: Options{TempDir: t.TempDir()}, CheckStats: true}
	got, err = e.AlignPairs(context.Background(), pairs)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Err == nil || got[0].Err.Error() != "water printed Length/Identity/Similarity/Gaps 144/138/139/5, its aligned strings give 144/139/139/5" {
		t.Errorf("pair 1: %v", got[0].Err)
	}
	for i, r := range got[1:] {
		if r.Err != nil {
			t.Errorf("pair %d: %v", i+2, r.Err)
		}
	}
	e.CheckStats = false
	if got, err = e.AlignPairs(context.Background(), pairs); err != nil || got[0].Err != nil {
		t.Errorf("without CheckStats: %v, %v", err, got[0].Err)
	}
}

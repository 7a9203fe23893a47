package benchmarks

import (
	"bytes"
	"testing"
)

// TestVariantsDeterministic: the same seed gives the same bytes, another
// seed different ones, and the identities stay in the promised range.
func TestVariantsDeterministic(t *testing.T) {
	wts, err := ReadFASTA("testdata/wildtypes.faa")
	if err != nil {
		t.Fatal(err)
	}
	if len(wts) != 3 {
		t.Fatalf("%d wild types, want 3", len(wts))
	}
	var a, b, c bytes.Buffer
	if err := WriteFASTA(&a, Variants(wts, 200, 1)); err != nil {
		t.Fatal(err)
	}
	if err := WriteFASTA(&b, Variants(wts, 200, 1)); err != nil {
		t.Fatal(err)
	}
	if err := WriteFASTA(&c, Variants(wts, 200, 2)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) || bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Fatal("Variants is not a deterministic function of the seed")
	}
	for _, v := range Variants(wts, 200, 1) {
		var wt []byte
		for _, w := range wts {
			if Gene(w.ID) == Gene(v.ID) {
				wt = w.Seq
			}
		}
		if len(v.Seq) < len(wt)*7/10 || len(v.Seq) > len(wt)*13/10 {
			t.Fatalf("%s: %d aa from a %d-aa wild type", v.ID, len(v.Seq), len(wt))
		}
	}
}

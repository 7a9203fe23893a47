package catalog

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// fuzzLoad loads data as a catalog file named name in format, and checks
// what must hold for any input: no panic; an error is an *Error naming the
// file, and a line unless the problem is the file as a whole; a catalog
// accounts for every line, every entry comes from a line of the file, and
// writing it as a wtalign TSV and reading that back gives the same entries.
func fuzzLoad(t *testing.T, name, format string, data []byte, opt LoadOptions) {
	dir := t.TempDir()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	opt.Format = format
	c, err := Load(p, opt)
	if err != nil {
		var ce *Error
		if !errors.As(err, &ce) || ce.File != p {
			t.Fatalf("error without the file: %v", err)
		}
		switch ce.Kind {
		case ErrEmpty, ErrTaxgroup, ErrRead:
		case ErrFormat:
			if ce.Line == 0 && format != FormatAMRFinder {
				t.Fatalf("format error without a line: %v", err)
			}
		default:
			if ce.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
		}
		return
	}
	r := c.Report
	if sum := r.Rows + r.SkippedTotal() + r.Headers + r.Sections + r.Comments + r.Blank; sum != r.Lines {
		t.Fatalf("%d lines, %d accounted for: %+v", r.Lines, sum, r)
	}
	for _, e := range c.Entries {
		if len(e.Sources) == 0 || e.Sources[0].Line < 1 || e.Sources[0].Line > r.Lines {
			t.Fatalf("entry %s from line %v of %d", e.Name, e.Sources, r.Lines)
		}
	}
	var buf bytes.Buffer
	if err := WriteTSV(&buf, c); err != nil {
		t.Fatal(err)
	}
	q := filepath.Join(dir, "back.tsv")
	if err := os.WriteFile(q, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	back, err := Load(q, LoadOptions{})
	if err != nil {
		t.Fatalf("written catalog does not load: %v\n%s", err, buf.String())
	}
	a, b := comparable(back.Entries), comparable(c.Entries)
	if len(a) != len(b) {
		t.Fatalf("round trip: %d entries back, %d written\n%#v\n%#v", len(a), len(b), a, b)
	}
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			t.Fatalf("round trip changed entry %d:\n%#v\n%#v", i, back.Entries[i], c.Entries[i])
		}
	}
}

func addSeeds(f *testing.F, paths ...string) {
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzPointFinder(f *testing.F) {
	for sp := range pfSpecies {
		addSeeds(f, filepath.Join(pfDir(sp), pfOverview))
	}
	addSeeds(f, filepath.Join(pfDir("escherichia_coli"), pfPhenotypes), filepath.Join(pfDir("staphylococcus_aureus"), pfPhenotypes),
		filepath.Join(pfDir("klebsiella"), pfPhenotypes), filepath.Join(pfDir("neisseria_gonorrhoeae"), pfPhenotypes))
	f.Add([]byte(pfHeader + pfRow("gyrA_1_X", "AA", "83", "S", "L", "") + "# Indels\n" + pfRow("gyrA_1_X", "AA", "90", "-", "ins", "")))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLoad(t, pfPhenotypes, FormatPointFinder, data, LoadOptions{})
	})
}

func FuzzAMRFinder(f *testing.F) {
	addSeeds(f, amrSample)
	f.Add([]byte("#taxgroup\taccession_version\tmutation_position\tstandard_mutation_symbol\treported_mutation_symbol\tclass\tsubclass\tmutated_protein_name\n" +
		"Escherichia\tNP_1.1\t64\tfolP_P64PSFLY\tfolP_P64PSFLY\tSULFONAMIDE\tSULFONAMIDE\tx\n" +
		"Escherichia\tNP_2.1\t129\tpmrB_ALNQLV129del\tpmrB_ALNQLV129del\tCOLISTIN\tCOLISTIN\ty\n" +
		"Escherichia\tNP_3.1\t253\tcirA_Y253CfsTer5\tcirA_Y253CfsTer5\tCEFIDEROCOL\tCEFIDEROCOL\tz\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLoad(t, "AMRProt-mutation.tsv", FormatAMRFinder, data, LoadOptions{})
	})
}

func FuzzTSV(f *testing.F) {
	addSeeds(f, labCatalog)
	f.Add([]byte("#wtalign-catalog 1\ngene\tposition\tref\talt\tkind\trequires\ngyrA\t83\tS\tL\t\t\ngyrA\t87\tD\tN\tsubstitution\tgyrA_S83L\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLoad(t, "catalog.tsv", FormatTSV, data, LoadOptions{})
	})
}

func FuzzSites(f *testing.F) {
	f.Add([]byte("# sites\ngyrA\t83\ngyrA\t87\nparC\t80\n"))
	f.Add([]byte("gyrA\t83\r\ngyrA\t83\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLoad(t, "sites.tsv", FormatSites, data, LoadOptions{})
	})
}

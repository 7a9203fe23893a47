package catalog

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

const pfHeader = "#Gene_accession\tTypeGene\tMutation ID\tCodon_pos\tRef_nuc\tRef_codon\tRes_codon\tClass\tPhenotype\tPMID\tMechanism of resistance\tNotes\tRequired mutation\t% abundance mutation required\n"

// pfRow writes a phenotypes.txt row: gene id, type, position, reference
// residue, alternatives, requirement.
func pfRow(id, typ, pos, ref, alt, req string) string {
	return strings.Join([]string{id, typ, "X", pos, "NNN", ref, alt, "Quinolone", "Ciprofloxacin", "1", "Target modification", "", req}, "\t") + "\n"
}

// TestBadInput: each problem is an error of its kind naming the file and
// the line.
func TestBadInput(t *testing.T) {
	good := pfRow("gyrA_1_X", "AA", "83", "S", "L", "")
	cases := []struct {
		name, file, text string
		opt              LoadOptions
		kind             ErrKind
		line             int
		msg              string
	}{
		{"undetectable format", "x.txt", "hello\tworld\tfoo\n", LoadOptions{}, ErrFormat, 1, "cannot tell the catalog format"},
		{"unknown format name", "x.txt", "gyrA\t83\n", LoadOptions{Format: "card"}, ErrFormat, 0, `unknown catalog format "card"`},
		{"forced format that does not fit", "x.txt", "gyrA\t83\n", LoadOptions{Format: FormatAMRFinder}, ErrColumns, 1, "data before the #taxgroup header"},
		{"empty file", "x.txt", "", LoadOptions{}, ErrEmpty, 0, "empty catalog file"},
		{"only comments", "sites.tsv", "# nothing\n", LoadOptions{Format: FormatSites}, ErrEmpty, 0, "no entry"},
		{"PointFinder table without entries", "phenotypes.txt", pfHeader + pfRow("23S_1_X", "NUC", "2058", "A", "G", ""), LoadOptions{}, ErrEmpty, 0, "no entry: 2 line(s), 1 row(s) skipped"},
		{"too few columns", "phenotypes.txt", pfHeader + good + "gyrA_1_X\tAA\tX\t87\tGAC\n", LoadOptions{}, ErrColumns, 3, "5 tab-separated column(s); phenotypes.txt needs at least 10"},
		{"too many columns", "phenotypes.txt", pfHeader + strings.TrimSuffix(good, "\n") + "\ta\tb\tc\n", LoadOptions{}, ErrColumns, 2, "16 columns; phenotypes.txt has at most 14"},
		{"non-numeric position", "phenotypes.txt", pfHeader + pfRow("gyrA_1_X", "AA", "8x3", "S", "L", ""), LoadOptions{}, ErrPosition, 2, `position "8x3" is not a number`},
		{"alternative not an amino acid", "phenotypes.txt", pfHeader + pfRow("gyrA_1_X", "AA", "83", "S", "L,J", ""), LoadOptions{}, ErrResidue, 2, `alternative "J" is not an amino-acid letter`},
		{"reference residue not an amino acid", "phenotypes.txt", pfHeader + pfRow("gyrA_1_X", "AA", "83", "SS", "L", ""), LoadOptions{}, ErrResidue, 2, `reference residue "SS"`},
		{"unknown row type", "phenotypes.txt", pfHeader + pfRow("gyrA_1_X", "DNA", "83", "S", "L", ""), LoadOptions{}, ErrColumns, 2, `TypeGene "DNA"`},
		{"requirement naming a missing gene", "phenotypes.txt", pfHeader + good + pfRow("parC_1_X", "AA", "80", "S", "I", "gyrB_1_X_S83L"), LoadOptions{}, ErrRequirement, 3, "names gene gyrB, which has no entry"},
		{"requirement that cannot be read", "phenotypes.txt", pfHeader + good + pfRow("parC_1_X", "AA", "80", "S", "I", "gyrA S83L"), LoadOptions{}, ErrRequirement, 3, `required change "gyrA S83L" is not written`},
		{"AMRFinderPlus wrong columns", "amr.tsv", strings.Join(amrColumns, "\t") + "\nEscherichia\tNP_1.1\t83\tgyrA_S83L\n", LoadOptions{}, ErrColumns, 2, "4 tab-separated columns; the AMRFinderPlus layout has 8"},
		{"AMRFinderPlus non-numeric position", "amr.tsv", strings.Join(amrColumns, "\t") + "\nEscherichia\tNP_1.1\tx\tgyrA_S83L\tgyrA_S83L\tQ\tQ\tp\n", LoadOptions{}, ErrPosition, 2, `mutation_position "x"`},
		{"AMRFinderPlus bad symbol", "amr.tsv", strings.Join(amrColumns, "\t") + "\nEscherichia\tNP_1.1\t83\tgyrA_S83\tgyrA_S83\tQ\tQ\tp\n", LoadOptions{}, ErrSymbol, 2, `cannot read the change "S83"`},
		{"wtalign TSV unknown column", "c.tsv", "#wtalign-catalog 1\ngene\tposition\tcolour\n", LoadOptions{}, ErrColumns, 2, `unknown column "colour"`},
		{"wtalign TSV row longer than header", "c.tsv", "#wtalign-catalog 1\ngene\tposition\nx\t1\t2\n", LoadOptions{}, ErrColumns, 3, "3 columns; the header has 2"},
		{"wtalign TSV bad alternative", "c.tsv", "#wtalign-catalog 1\ngene\tposition\tref\talt\ngyrA\t83\tS\tL,1\n", LoadOptions{}, ErrResidue, 3, `alternative "1"`},
		{"wtalign TSV deletion without ref", "c.tsv", "#wtalign-catalog 1\ngene\tposition\tkind\nmarR\t61\tdeletion\n", LoadOptions{}, ErrResidue, 3, "deletion needs the reference residue(s)"},
		{"wtalign TSV unknown version", "c.tsv", "#wtalign-catalog 2\ngene\tposition\n", LoadOptions{}, ErrFormat, 1, `"#wtalign-catalog 1"`},
		{"sites list bad position", "sites.tsv", "gyrA\t83\ngyrA\t0\n", LoadOptions{}, ErrPosition, 2, `position "0"`},
		{"sites list three columns", "sites.tsv", "gyrA\t83\ngyrA\t87\tx\n", LoadOptions{}, ErrColumns, 2, "want gene<TAB>position, got 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), tc.file, tc.text)
			_, err := Load(p, tc.opt)
			var ce *Error
			if !errors.As(err, &ce) || !errors.Is(err, tc.kind) || ce.File != p || ce.Line != tc.line || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("got %v (%+v)\nwant kind %v, line %d, %q", err, ce, tc.kind, tc.line, tc.msg)
			}
			if err != nil && tc.line > 0 && !strings.Contains(err.Error(), p+" line ") {
				t.Errorf("message does not name file and line: %v", err)
			}
		})
	}
}

// TestBadFolder: a folder without phenotypes.txt or resistens-overview.txt.
func TestBadFolder(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "genes.txt", "gyrA\n")
	_, err := Load(dir, LoadOptions{})
	if !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "neither phenotypes.txt nor resistens-overview.txt") {
		t.Errorf("%v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing"), LoadOptions{}); !errors.Is(err, ErrRead) {
		t.Errorf("missing path: %v", err)
	}
	if _, err := Load(dir, LoadOptions{Format: FormatTSV}); !errors.Is(err, ErrFormat) {
		t.Errorf("folder as TSV: %v", err)
	}
}

// TestDuplicatesMerged: the same change twice is one entry, with both
// sources, the drugs and PMIDs united, and the duplicate counted.
func TestDuplicatesMerged(t *testing.T) {
	row2 := strings.Replace(pfRow("gyrA_1_X", "AA", "83", "S", "L", ""), "Ciprofloxacin\t1", "Nalidixic acid\t2", 1)
	p := writeFile(t, t.TempDir(), "phenotypes.txt", pfHeader+pfRow("gyrA_1_X", "AA", "83", "S", "L", "")+row2)
	c := mustLoad(t, p, LoadOptions{})
	e := c.Entries
	if len(e) != 1 || c.Report.Duplicates != 1 || len(e[0].Sources) != 2 || strings.Join(e[0].Drugs, ",") != "Ciprofloxacin,Nalidixic acid" ||
		strings.Join(e[0].PMIDs, ",") != "1,2" || !strings.Contains(c.Report.Warnings[0].String(), "line 3: duplicate of line 2") {
		t.Errorf("%+v %+v", e, c.Report)
	}
	checkCounts(t, "dup", c.Report, pfCounts{2, 1, 1, nil})
}

// TestResolveErrors: verification against the wild types.
func TestResolveErrors(t *testing.T) {
	refs := k12Refs(t)
	dir := t.TempDir()
	load := func(row string) *Catalog {
		return mustLoad(t, writeFile(t, dir, "phenotypes.txt", pfHeader+row), LoadOptions{})
	}
	// Reference residue mismatch: file, line, gene, position, expected, actual.
	c := load(pfRow("gyrA_1_X", "AA", "83", "A", "L", ""))
	_, err := Resolve([]*Catalog{c}, refs, ResolveOptions{})
	want := "phenotypes.txt line 2: gyrA gyrA_A83L: position 83: the catalog has A, reference ecoli_k12|gyrA|NP_416734.1 has S"
	if !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), want) {
		t.Errorf("mismatch: %v", err)
	}
	// Lenient: a counted warning, the entry not applied.
	ix, err := Resolve([]*Catalog{c}, refs, ResolveOptions{Lenient: true})
	if err != nil || ix.Report.Catalogs[0].Mismatches != 1 || ix.Catalogued(refByGene(t, refs, "gyrA").ID) || !strings.Contains(ix.Report.Catalogs[0].Warnings[0].String(), want) {
		t.Errorf("lenient: %v %+v", err, ix)
	}
	// Position beyond the reference.
	c = load(pfRow("gyrA_1_X", "AA", "900", "S", "L", ""))
	if _, err := Resolve([]*Catalog{c}, refs, ResolveOptions{}); !errors.Is(err, ErrPosition) || !strings.Contains(err.Error(), "line 2: gyrA gyrA_S900L: position 900-900 is beyond the end of reference ecoli_k12|gyrA|NP_416734.1 (875 aa)") {
		t.Errorf("beyond: %v", err)
	}
	// A requirement whose residue is not the reference's.
	c = load(pfRow("gyrA_1_X", "AA", "83", "S", "L", "") + pfRow("parC_1_X", "AA", "80", "S", "I", "gyrA_1_X_A83L"))
	if _, err := Resolve([]*Catalog{c}, refs, ResolveOptions{}); !errors.Is(err, ErrMismatch) || !strings.Contains(err.Error(), "line 3: requirement gyrA A83L: position 83: the catalog has A") {
		t.Errorf("requirement mismatch: %v", err)
	}
	// An alias pointing to a missing reference.
	a, err := ParseAlias("pmrB=pmrB2")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Resolve(nil, refs, ResolveOptions{Aliases: []Alias{a}}); !errors.Is(err, ErrAlias) || !strings.Contains(err.Error(), "--gene-alias pmrB=pmrB2: no reference has gene key pmrB2 or pmrB") {
		t.Errorf("alias: %v", err)
	}
	// The built-in aliases do not have to match (they serve any reference set).
	if _, err := Resolve(nil, refs[:1], ResolveOptions{Aliases: K12Aliases()}); err != nil {
		t.Errorf("built-in aliases: %v", err)
	}
	for _, bad := range []string{"pmrB", "=basS", "pmrB=", "a b=c"} {
		if _, err := ParseAlias(bad); !errors.Is(err, ErrAlias) {
			t.Errorf("alias %q: %v", bad, err)
		}
	}
	if _, err := LoadAliases(writeFile(t, dir, "aliases.tsv", "pmrB\tbasS\npmrA basR\n")); !errors.Is(err, ErrAlias) || !strings.Contains(err.Error(), "aliases.tsv line 2") {
		t.Errorf("alias table: %v", err)
	}
	// A sites list naming a gene no reference has.
	s := mustLoad(t, writeFile(t, dir, "sites.tsv", "gyrA\t83\ngyrZ\t1\n"), LoadOptions{})
	if _, err := Resolve([]*Catalog{s}, refs, ResolveOptions{}); !errors.Is(err, ErrReference) || !strings.Contains(err.Error(), `sites.tsv line 2: gene "gyrZ" is not a reference gene key`) {
		t.Errorf("sites: %v", err)
	}
	// The same catalog twice.
	if _, err := Resolve([]*Catalog{c, c}, refs, ResolveOptions{Lenient: true}); !errors.Is(err, ErrDuplicate) {
		t.Errorf("twice: %v", err)
	}
	// Duplicate reference IDs.
	if _, err := Resolve(nil, []Reference{refs[0], refs[0]}, ResolveOptions{}); !errors.Is(err, ErrReference) {
		t.Errorf("duplicate references: %v", err)
	}
}

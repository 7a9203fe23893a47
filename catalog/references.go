package catalog

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/wtalign/wtalign/fasta"
	"github.com/wtalign/wtalign/gencode"
)

// WildType is a protein wild type translated from a catalog's nucleotide
// reference gene.
type WildType struct {
	// ID is <species folder>|<gene key>|<record ID>, so the gene key is the
	// second field as wtalign's reference IDs have it.
	ID          string
	Gene        string // gene key the catalog's entries use (katG for katG-promoter-size-107bp)
	Allele      string // genes.txt name, e.g. gyrA_2; set when the folder has several for the gene
	Description string // allele=, source file and genetic code, for the FASTA header
	Source      string // the .fsa file read
	Record      string // the FASTA record ID in it
	Promoter    int    // nucleotides of promoter removed before translation
	Protein     []byte // no terminal '*'
	// CDS is the coding sequence translated (promoter removed, stop codon
	// kept): the reference CDS for codon-level calls (variant.CallCodons).
	CDS []byte
	// EndsWithStop says the gene ended with a stop codon (the reference
	// ends at its true stop, so a longer query is an extension).
	EndsWithStop bool
}

// SkippedGene is a genes.txt gene that gave no protein wild type.
type SkippedGene struct {
	Gene   string `json:"gene"`
	Reason string `json:"reason"`
}

// ReferencesReport says what References did with each gene.
type ReferencesReport struct {
	Translated []string      `json:"translated"`
	Skipped    []SkippedGene `json:"skipped"`
	Warnings   []Warning     `json:"warnings"`
}

var promoterSizeRe = regexp.MustCompile(`(?i)[-_]promoter[-_]size[-_](\d+)bp$`)

// References translates the protein-coding reference genes of a PointFinder
// species folder: genes.txt minus RNA_genes.txt, each from <gene>.fsa (or
// its record in the folder's combined .fsa). A promoter file
// (X-promoter-size-Nbp.fsa) holds N promoter bases and then, often, gene X:
// that part is translated when it is a complete coding sequence and the
// file is otherwise skipped as promoter only. A gene file whose length is
// not a multiple of 3 or that has an internal stop is an error naming it;
// a gene with no sequence file is skipped. Reasons are in the report.
func References(dir string, code *gencode.Code) ([]WildType, *ReferencesReport, error) {
	if code == nil {
		return nil, nil, fmt.Errorf("catalog: references: no genetic code")
	}
	folder, err := readPFFolder(dir)
	if err != nil {
		return nil, nil, err
	}
	if len(folder.genes) == 0 {
		return nil, nil, errAt(filepath.Join(dir, "genes.txt"), 0, ErrMissing, "no genes.txt, or it lists no gene: not a PointFinder species folder")
	}
	subset := filepath.Base(filepath.Clean(dir))
	rep := &ReferencesReport{Translated: []string{}, Skipped: []SkippedGene{}, Warnings: []Warning{}}
	var out []WildType
	for _, name := range folder.genes {
		if folder.rna[pfNorm(name)] {
			rep.Skipped = append(rep.Skipped, SkippedGene{name, "RNA gene (RNA_genes.txt)"})
			continue
		}
		rec, file, err := pfSequence(dir, subset, name)
		if err != nil {
			return nil, nil, err
		}
		if rec == nil {
			rep.Skipped = append(rep.Skipped, SkippedGene{name, "no sequence file " + name + ".fsa"})
			continue
		}
		if !strings.EqualFold(firstWord(rec.ID), firstWord(name)) {
			rep.Warnings = append(rep.Warnings, Warning{File: file, Line: rec.Line,
				Msg: fmt.Sprintf("record %s does not look like gene %s", rec.ID, name)})
		}
		nt := rec.Seq
		promoter := 0
		if m := promoterSizeRe.FindStringSubmatch(name); m != nil {
			promoter, _ = strconv.Atoi(m[1])
			if promoter >= len(nt) {
				rep.Skipped = append(rep.Skipped, SkippedGene{name, "promoter only"})
				continue
			}
			nt = nt[promoter:]
		}
		cds, err := code.TranslateCDS(nt)
		if promoter > 0 && (err != nil || !cds.EndsWithStop) {
			why := "no stop codon"
			if err != nil {
				why = strings.TrimPrefix(err.Error(), "gencode: ")
			}
			rep.Skipped = append(rep.Skipped, SkippedGene{name, fmt.Sprintf("promoter only: the %d bases after the %d-base promoter are not a complete coding sequence (%s)", len(nt), promoter, why)})
			continue
		}
		if err != nil {
			var ce *gencode.CDSError
			if errors.As(err, &ce) {
				err = fmt.Errorf("%s", strings.TrimPrefix(ce.Error(), "gencode: "))
			}
			return nil, nil, &Error{File: file, Line: rec.Line, Kind: ErrReference,
				Msg: fmt.Sprintf("gene %s (record %s) is not a coding sequence: %v", name, rec.ID, err)}
		}
		key := pfKey(name, true)
		wt := WildType{ID: subset + "|" + key + "|" + rec.ID, Gene: key, Source: file, Record: rec.ID,
			Promoter: promoter, Protein: cds.Protein, CDS: nt, EndsWithStop: cds.EndsWithStop}
		if folder.alleles[key] > 1 {
			wt.Allele = name
		}
		wt.Description = fmt.Sprintf("PointFinder %s %s", subset, name)
		if wt.Allele != "" {
			wt.Description += " allele=" + wt.Allele
		}
		wt.Description += fmt.Sprintf(" translated with genetic code %d from %s", code.ID, filepath.Base(file))
		if promoter > 0 {
			wt.Description += fmt.Sprintf(" after its %d-base promoter", promoter)
		}
		if !cds.Start {
			rep.Warnings = append(rep.Warnings, Warning{File: file, Line: rec.Line,
				Msg: fmt.Sprintf("gene %s starts with %s, not a start codon: translated as %c (numbering counts from it)", name, nt[:3], cds.Protein[0])})
		}
		rep.Translated = append(rep.Translated, name)
		out = append(out, wt)
	}
	return out, rep, nil
}

// pfSequence finds gene name's nucleotide sequence: <name>.fsa, else the
// matching record of the folder's combined <species>.fsa. It returns nil
// when there is none.
func pfSequence(dir, subset, name string) (*fasta.Record, string, error) {
	opt := fasta.Options{Role: fasta.Reference, AllowNucleotide: true}
	file := filepath.Join(dir, name+".fsa")
	if _, err := os.Stat(file); err == nil {
		recs, err := fasta.ReadAll(file, opt)
		if err != nil {
			return nil, file, &Error{File: file, Kind: ErrReference, Msg: err.Error(), Err: err}
		}
		if len(recs) != 1 {
			return nil, file, errAt(file, 0, ErrReference, "%d records; a gene file holds one", len(recs))
		}
		return recs[0], file, nil
	}
	file = filepath.Join(dir, subset+".fsa")
	if _, err := os.Stat(file); err != nil {
		return nil, "", nil
	}
	recs, err := fasta.ReadAll(file, opt)
	if err != nil {
		return nil, file, &Error{File: file, Kind: ErrReference, Msg: err.Error(), Err: err}
	}
	n := pfNorm(name)
	for _, r := range recs {
		if id := pfNorm(r.ID); id == n || strings.HasPrefix(id, n+"_") {
			return r, file, nil
		}
	}
	return nil, "", nil
}

// firstWord is a gene ID up to its first '_' or '-': katG for
// katG-promoter_1_LR027516.1 and katG-promoter-size-107bp.
func firstWord(id string) string {
	w, _, _ := strings.Cut(strings.ReplaceAll(id, "-", "_"), "_")
	return w
}

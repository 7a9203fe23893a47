package output

import (
	"path/filepath"
	"strconv"
	"strings"

	"github.com/wtalign/wtalign/report"
)

// HAMRonizationColumns are the hAMRonization specification's fields, in
// its order: nine mandatory ones, then the optional ones (PHA4GE
// hAMRonization 1.1; the protein-variant fields included).
var HAMRonizationColumns = []string{
	"input_file_name", "gene_symbol", "gene_name", "reference_database_name", "reference_database_version",
	"reference_accession", "analysis_software_name", "analysis_software_version", "genetic_variation_type",
	"antimicrobial_agent", "coverage_percentage", "coverage_depth", "coverage_ratio", "drug_class",
	"input_gene_length", "input_gene_start", "input_gene_stop", "input_protein_length", "input_protein_start",
	"input_protein_stop", "input_sequence_id", "nucleotide_mutation", "nucleotide_mutation_interpretation",
	"predicted_phenotype", "predicted_phenotype_confidence_level", "amino_acid_mutation",
	"amino_acid_mutation_interpretation", "reference_gene_length", "reference_gene_start", "reference_gene_stop",
	"reference_protein_length", "reference_protein_start", "reference_protein_stop", "resistance_mechanism",
	"strand_orientation", "sequence_identity",
}

// hamronizationRows are a record's rows: one per call on a catalogued
// gene, catalogued or novel (the interpretation says which); records on
// genes no catalog covers, and records without calls, give none.
func hamronizationRows(r *report.Record, toolVersion string) []byte {
	if len(r.CataloguedBy) == 0 || r.Alignment == nil || r.Reference == nil {
		return nil
	}
	a, ref := r.Alignment, r.Reference
	accession := ref.ID
	if f := strings.Split(ref.ID, "|"); len(f) >= 3 {
		accession = f[len(f)-1]
	}
	var b strings.Builder
	for _, m := range r.Mutations {
		if m.AfterPrematureStop {
			continue // read-through after a stop: not a change of the protein
		}
		dbs, versions := catalogsOf(r.CataloguedBy, m.Catalog)
		gene := ref.Gene
		if len(m.Catalog) > 0 && m.Catalog[0].Gene != "" {
			gene = m.Catalog[0].Gene // the catalog's name (pmrB for K-12 basS), as other tools report it
		}
		classes, drugs, _ := MatchSummary(m.Catalog)
		row := map[string]string{
			"input_file_name": inputName(r.InputFile), "gene_symbol": gene, "gene_name": ref.ID,
			"reference_database_name": dbs, "reference_database_version": versions, "reference_accession": accession,
			"analysis_software_name": "wtalign", "analysis_software_version": toolVersion,
			"genetic_variation_type": "protein_variant_detected",
			"antimicrobial_agent":    drugs, "drug_class": classes,
			"coverage_percentage":  strconv.FormatFloat(a.ReferenceCoverage, 'f', -1, 64),
			"input_protein_length": strconv.Itoa(r.Query.Length), "input_protein_start": strconv.Itoa(a.QueryStart),
			"input_protein_stop": strconv.Itoa(a.QueryEnd), "input_sequence_id": r.Query.ID,
			"amino_acid_mutation": m.HGVS, "amino_acid_mutation_interpretation": interpretation(m),
			"reference_protein_length": strconv.Itoa(ref.Length), "reference_protein_start": strconv.Itoa(a.ReferenceStart),
			"reference_protein_stop": strconv.Itoa(a.ReferenceEnd), "resistance_mechanism": mechanisms(m.Catalog),
			"sequence_identity": strconv.FormatFloat(a.PercentIdentity, 'f', -1, 64),
		}
		for i, c := range HAMRonizationColumns {
			if i > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(CleanCell(row[c]))
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// inputName is the input file as hAMRonization names it: the base name
// without compression and FASTA suffixes.
func inputName(path string) string {
	n := strings.TrimSuffix(filepath.Base(path), ".gz")
	for _, s := range []string{".fasta", ".faa", ".fna", ".ffn", ".fa"} {
		n = strings.TrimSuffix(n, s)
	}
	return n
}

// catalogsOf names the databases of a row: the catalogs of the call's
// matches, or, for a novel call, every catalog covering the gene (labels
// as report.CatalogLabel writes them). Versions are ';'-separated in the
// same order; a catalog without a version leaves its place empty.
func catalogsOf(labels []string, ms []report.CatalogMatch) (names, versions string) {
	var ns, vs []string
	if len(ms) > 0 {
		for _, m := range ms {
			if !contains(ns, m.Catalog) {
				ns, vs = append(ns, m.Catalog), append(vs, m.Version)
			}
		}
	} else {
		for _, l := range labels {
			name, version, _ := report.ParseCatalogLabel(l)
			if !contains(ns, name) {
				ns, vs = append(ns, name), append(vs, version)
			}
		}
	}
	return strings.Join(ns, ";"), strings.Join(vs, ";")
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// interpretation says what the catalogs make of the call, in words.
func interpretation(m report.Mutation) string {
	switch m.Verdict {
	case report.VerdictKnown:
		var parts []string
		for _, c := range m.Catalog {
			p := "known: " + c.Catalog + " " + c.Name
			if c.Requirement == report.RequirementMissing || c.Requirement == report.RequirementUnknown {
				p += " (" + c.Missing + ")"
				if c.Missing == "" {
					p += " (requires " + c.Requires + ", " + c.Requirement + ")"
				}
			}
			parts = append(parts, p)
		}
		return strings.Join(parts, "; ")
	case report.VerdictNovelAtKnownSite:
		return "novel change at a catalogued site"
	case report.VerdictAmbiguous:
		return "ambiguous residue at this position"
	}
	return "novel"
}

func mechanisms(ms []report.CatalogMatch) string {
	var out []string
	for _, m := range ms {
		if m.Mechanism != "" && !contains(out, m.Mechanism) {
			out = append(out, m.Mechanism)
		}
	}
	return strings.Join(out, ";")
}

package fasta

import (
	"regexp"
	"testing"
)

func mustRe(s string) *regexp.Regexp { return regexp.MustCompile(s) }

func TestGeneKey(t *testing.T) {
	tests := []struct {
		id, desc string
		re       *regexp.Regexp
		want     string
	}{
		{"ecoli_k12|gyrA|NP_416734.1", "", nil, "gyrA"},
		{"derived_gyrA_S83L_D87N|gyrA|E.", "coli K-12 GyrA", nil, "gyrA"},
		{"tag|parC|acc|extra", "", nil, "parC"},
		{"tag||acc", "gene=marR", nil, "marR"}, // empty gene field: fall through
		{"x|y", "", nil, ""},                   // two fields: no gene field
		{"sp|P0AES4|GYRA_ECOLI", "DNA gyrase subunit A OS=Escherichia coli OX=83333 GN=gyrA PE=1 SV=1", nil, "gyrA"},
		{"gi|16130176|ref|NP_416734.1|", "DNA gyrase subunit A", nil, ""},
		{"lcl|NC_000913.3_prot_NP_416734.1_2156", "[gene=gyrA] [locus_tag=b2231] [protein=DNA gyrase]", nil, "gyrA"},
		{"q1", "product=x;gene=acrB;len=1049", nil, "acrB"},
		{"q1", "transgene=foo", nil, ""}, // gene= must start a token
		{"NP_414542.1", "thrL b0001 thr operon leader peptide", nil, ""},
		{"NP_414542.1", "thrL b0001 thr operon leader peptide", mustRe(`^\S+\s+(\S+)`), "thrL"},
		{"NP_414542.1", "", mustRe(`^\S+\s+(\S+)`), ""},
		{"sample_gyrA_1", "", mustRe(`_([a-z]{3}[A-Z])_`), "gyrA"},
		{"sample_gyrA_1", "", mustRe(`[a-z]{3}[A-Z]`), "gyrA"}, // no group: whole match
		{"ecoli|gyrA|NP_1", "", mustRe(`^nomatch(x)`), ""},     // a regexp replaces the defaults
	}
	for _, tc := range tests {
		if got := GeneKey(tc.id, tc.desc, tc.re); got != tc.want {
			t.Errorf("GeneKey(%q, %q, %v) = %q, want %q", tc.id, tc.desc, tc.re, got, tc.want)
		}
	}
}

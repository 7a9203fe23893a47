package fasta

import (
	"regexp"
	"strings"
)

// GeneKey extracts the gene name used to pair a query with its reference.
// It returns "" when the header carries none.
//
// With re != nil, re is matched against the header without its '>', rebuilt
// as id + " " + desc (just id when desc is empty); the same convention as
// seqkit's --id-regexp. The key is the first capture group, or the whole
// match if re has no group. Example for RefSeq-style proteome headers
// ("NP_416734.1 gyrA b2231 DNA gyrase subunit A ..."): `^\S+\s+(\S+)`.
//
// With re == nil, the first of these that applies wins:
//  1. a pipe-separated ID with at least three fields, whose first field is
//     not an NCBI or UniProt database tag (gi, ref, gb, emb, dbj, sp, tr,
//     ...): the second field (tag|gyrA|NP_416734.1 and tag|gyrA|acc|more
//     give gyrA);
//  2. a "gene=" tag in the description, bare (gene=gyrA) or NCBI style
//     ([gene=gyrA]);
//  3. a UniProt "GN=" tag in the description (GN=gyrA).
func GeneKey(id, desc string, re *regexp.Regexp) string {
	if re != nil {
		subject := id
		if desc != "" {
			subject += " " + desc
		}
		m := re.FindStringSubmatch(subject)
		switch {
		case m == nil:
			return ""
		case len(m) > 1:
			return m[1]
		default:
			return m[0]
		}
	}
	if f := strings.Split(id, "|"); len(f) >= 3 && !dbTags[f[0]] && f[1] != "" {
		return f[1]
	}
	if m := geneTag.FindStringSubmatch(desc); m != nil {
		return m[1]
	}
	if m := uniprotGN.FindStringSubmatch(desc); m != nil {
		return m[1]
	}
	return ""
}

// dbTags are the database tags of NCBI FASTA identifiers and UniProt; in
// such IDs the second field is an accession, not a gene.
var dbTags = map[string]bool{
	"gi": true, "ref": true, "gb": true, "emb": true, "dbj": true, "pir": true, "prf": true,
	"sp": true, "tr": true, "pdb": true, "pat": true, "bbs": true, "gnl": true, "lcl": true, "tpg": true,
	"tpe": true, "tpd": true, "gpp": true, "nat": true,
}

var (
	geneTag   = regexp.MustCompile(`(?:^|[\s\[;,])gene=([^\s\];,]+)`)
	uniprotGN = regexp.MustCompile(`(?:^|\s)GN=(\S+)`)
)

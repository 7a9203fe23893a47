package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/catalog"
	"github.com/wtalign/wtalign/gencode"
)

// catalogs is what --catalog and --sites became: the entries resolved
// against the references, and a digest of their content for the run's
// identity (a changed catalog refuses a resume).
type catalogs struct {
	index  *catalog.Index
	cats   []*catalog.Catalog
	digest []string // per catalog: label and sha256 of its entries
}

// loadCatalogs reads every --catalog and the --sites list (a catalog of
// positions only: one model for both), and resolves their genes to the
// references: by accession, gene key, or alias (--gene-alias and the
// built-in K-12 aliases), verifying every entry's reference residue.
func (s *Spec) loadCatalogs(refs []*Ref) (*catalogs, error) {
	var cats []*catalog.Catalog
	for _, p := range s.Catalogs {
		c, err := catalog.Load(p, catalog.LoadOptions{Format: s.CatalogFormat, Taxgroup: s.CatalogTaxgroup})
		if err != nil {
			return nil, err
		}
		cats = append(cats, c)
	}
	if s.Sites != "" {
		c, err := catalog.Load(s.Sites, catalog.LoadOptions{Format: catalog.FormatSites, Name: "sites"})
		if err != nil {
			return nil, err
		}
		cats = append(cats, c)
	}
	if len(cats) == 0 {
		return nil, nil
	}
	aliases := catalog.K12Aliases()
	for _, a := range s.GeneAliases {
		if catalog.IsAliasPair(a) {
			al, err := catalog.ParseAlias(a)
			if err != nil {
				return nil, &FieldError{Key: "gene-alias", Value: fmt.Sprintf("%q", a), Msg: "want catalog_gene=reference_gene (e.g. pmrB=basS) or a TSV file of them"}
			}
			aliases = append(aliases, al)
			continue
		}
		list, err := catalog.LoadAliases(a)
		if err != nil {
			return nil, err
		}
		aliases = append(aliases, list...)
	}
	crefs := make([]catalog.Reference, len(refs))
	for i, r := range refs {
		crefs[i] = catalog.NewReference(r.ID, r.Description, r.Gene, r.Seq)
	}
	ix, err := catalog.Resolve(cats, crefs, catalog.ResolveOptions{Aliases: aliases, Lenient: s.CatalogLenient})
	if err != nil {
		if errors.Is(err, catalog.ErrMismatch) {
			return nil, fmt.Errorf("%w\n(the catalog and the reference disagree; check that the catalog is for these wild types, or use --catalog-lenient to drop such entries with a warning)", err)
		}
		return nil, err
	}
	out := &catalogs{index: ix, cats: cats}
	for _, c := range cats {
		var b strings.Builder
		if err := catalog.WriteTSV(&b, c); err != nil {
			return nil, err
		}
		sum := sha256.Sum256([]byte(b.String()))
		out.digest = append(out.digest, c.Label()+" sha256:"+hex.EncodeToString(sum[:]))
	}
	return out, nil
}

// notes tells the user what the catalogs hold and what they could not
// use (genes with no reference, dropped entries, skipped rows).
func (c *catalogs) notes(env *Env) {
	for i, res := range c.index.Report.Catalogs {
		cat := c.cats[i]
		env.notify(false, "catalog loaded", "catalog", res.Catalog, "entries", res.Entries, "genes", len(res.Genes),
			"skipped_rows", cat.Report.SkippedTotal(), "genes_without_reference", len(res.Unmatched), "dropped_mismatches", res.Mismatches)
		for _, w := range res.Warnings {
			env.notify(true, "catalog warning", "catalog", res.Catalog, "warning", w.String())
		}
	}
}

// CheckCatalogs loads s's catalogs (and --sites) and, when s names a
// reference, resolves them against it, exactly as a run would: what
// `wtalign catalog check` reports. Without a reference the index is nil.
func CheckCatalogs(s Spec) ([]*catalog.Catalog, *catalog.Index, error) {
	if s.Reference == "" {
		var cats []*catalog.Catalog
		for _, p := range s.Catalogs {
			c, err := catalog.Load(p, catalog.LoadOptions{Format: s.CatalogFormat, Taxgroup: s.CatalogTaxgroup})
			if err != nil {
				return nil, nil, err
			}
			cats = append(cats, c)
		}
		return cats, nil, nil
	}
	m, err := aligner.LoadMatrix(s.Matrix)
	if err != nil {
		return nil, nil, &FieldError{Key: "matrix", Value: fmt.Sprintf("%q", s.Matrix), Msg: strings.TrimPrefix(err.Error(), "aligner: ")}
	}
	sc, err := aligner.NewScoring(aligner.Params{Matrix: m, GapOpen: s.GapOpen, GapExtend: s.GapExtend})
	if err != nil {
		return nil, nil, err
	}
	var code *gencode.Code
	if s.InputType == InputCDS {
		if code, err = gencode.Lookup(s.GeneticCode); err != nil {
			return nil, nil, err
		}
	}
	refs, err := LoadReferences(s.Reference, sc, nil, code)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.loadCatalogs(refs)
	if err != nil || c == nil {
		return nil, nil, err
	}
	return c.cats, c.index, nil
}

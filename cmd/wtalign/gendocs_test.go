package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"
)

// The CLI reference (docs/cli/*.md, docs/man/*.1) and the output-field
// reference (docs/fields.md) are generated from the command tree and from
// docs/record.schema.json. These tests fail when the committed files are
// stale; `make docs` (go test ./cmd/wtalign -run ... -args -update)
// rewrites them.
var updateDocs = flag.Bool("update", false, "rewrite docs/cli, docs/man and docs/fields.md")

// manDate is the date in the man pages' footer (cobra shows month and
// year). It is fixed rather than taken from the clock or SOURCE_DATE_EPOCH
// so that the committed pages do not go stale by themselves; bump it when
// releasing (CONTRIBUTING.md).
var manDate = time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)

// machineDependentDefaults are flags whose default is computed on the
// machine that prints the help (-j is the number of CPUs); the reference
// shows none, as the flag's usage text already says what the default is.
var machineDependentDefaults = map[string]string{"threads": "0"}

func docsRoot(t *testing.T) *cobra.Command {
	t.Helper()
	root := newRootCommand(&app{io: &streams{}, glob: &globalOptions{}})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		c.DisableAutoGenTag = true
		for _, fs := range []*pflag.FlagSet{c.Flags(), c.PersistentFlags()} {
			fs.VisitAll(func(f *pflag.Flag) {
				if v, ok := machineDependentDefaults[f.Name]; ok {
					f.DefValue = v
				}
			})
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return root
}

// generateCLIDocs writes the Markdown and man reference into dir/cli and
// dir/man.
func generateCLIDocs(t *testing.T, dir string) {
	t.Helper()
	for _, sub := range []string{"cli", "man"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := doc.GenMarkdownTree(docsRoot(t), filepath.Join(dir, "cli")); err != nil {
		t.Fatal(err)
	}
	header := &doc.GenManHeader{Title: "WTALIGN", Section: "1", Date: &manDate, Source: "wtalign", Manual: "wtalign manual"}
	if err := doc.GenManTree(docsRoot(t), header, filepath.Join(dir, "man")); err != nil {
		t.Fatal(err)
	}
	index := "# wtalign command reference\n\n" +
		"Generated from the command tree by `make docs` (cmd/wtalign/gendocs_test.go); do not edit.\n" +
		"Man pages of the same text are in [../man](../man) (`man -l docs/man/wtalign.1`).\n\n" +
		"Start at [wtalign](wtalign.md).\n"
	if err := os.WriteFile(filepath.Join(dir, "cli", "README.md"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDocsUpToDate(t *testing.T) {
	tmp := t.TempDir()
	generateCLIDocs(t, tmp)
	for _, sub := range []string{"cli", "man"} {
		syncOrCompareDir(t, filepath.Join(tmp, sub), filepath.Join("..", "..", "docs", sub))
	}
}

func TestFieldsDocUpToDate(t *testing.T) {
	schema, err := os.ReadFile(filepath.Join("..", "..", "docs", "record.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := fieldsMarkdown(schema)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "..", "docs", "fields.md")
	if *updateDocs {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `make docs`)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run `make docs` and commit the result", path)
	}
}

// syncOrCompareDir makes dst hold exactly the files of src (with -update)
// or reports every difference.
func syncOrCompareDir(t *testing.T, src, dst string) {
	t.Helper()
	gen := readDir(t, src)
	if *updateDocs {
		if err := os.RemoveAll(dst); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(dst, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, b := range gen {
			if err := os.WriteFile(filepath.Join(dst, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	have := readDir(t, dst)
	for name, b := range gen {
		if old, ok := have[name]; !ok {
			t.Errorf("%s/%s is missing: run `make docs` and commit the result", dst, name)
		} else if !bytes.Equal(old, b) {
			t.Errorf("%s/%s is stale: run `make docs` and commit the result", dst, name)
		}
	}
	for name := range have {
		if _, ok := gen[name]; !ok {
			t.Errorf("%s/%s is no longer generated: run `make docs` and commit the result", dst, name)
		}
	}
}

func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	ents, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		files[e.Name()] = b
	}
	return files
}

// ---- docs/fields.md from the JSON Schema ----

// schemaNode is a JSON Schema object with its keys in document order, so
// the reference lists fields in the order the schema (and the output) has.
type schemaNode struct {
	keys []string
	raw  map[string]json.RawMessage
}

func (n *schemaNode) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("schema node is not an object: %s", b)
	}
	n.raw = map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		n.keys = append(n.keys, key)
		n.raw[key] = v
	}
	return nil
}

func (n *schemaNode) node(key string) *schemaNode {
	raw, ok := n.raw[key]
	if !ok {
		return nil
	}
	var c schemaNode
	if json.Unmarshal(raw, &c) != nil {
		return nil
	}
	return &c
}

func (n *schemaNode) str(key string) string {
	var s string
	_ = json.Unmarshal(n.raw[key], &s)
	return s
}

func (n *schemaNode) strings(key string) []string {
	var ss []string
	_ = json.Unmarshal(n.raw[key], &ss)
	return ss
}

type fieldRow struct{ path, typ, required, values, desc string }

type fieldsDoc struct {
	root *schemaNode
	defs *schemaNode
	// objects defined under $defs and referenced: documented once, in
	// their own section.
	defSections []string
	seenDefs    map[string]bool
}

func fieldsMarkdown(schemaJSON []byte) ([]byte, error) {
	var root schemaNode
	if err := json.Unmarshal(schemaJSON, &root); err != nil {
		return nil, fmt.Errorf("docs/record.schema.json: %w", err)
	}
	d := &fieldsDoc{root: &root, defs: root.node("$defs"), seenDefs: map[string]bool{}}
	var b strings.Builder
	fmt.Fprintf(&b, "# Output fields: %s\n\n", root.str("title"))
	b.WriteString("Generated from [record.schema.json](record.schema.json) by `make docs`; do not edit.\n" +
		"Every record of `wtalign align` (each element of `records` in `--format json`, each line of\n" +
		"`--format jsonl`) has these fields; `--format tsv` has one row per mutation with a subset of them.\n\n")
	b.WriteString(root.str("description") + "\n\n")
	b.WriteString("A field is *required* when every record has it; the others appear only when they apply\n" +
		"(see [Which records have which fields](#which-records-have-which-fields)).\n\n")
	d.table(&b, "", &root)
	if all := root.raw["allOf"]; all != nil {
		b.WriteString("\n## Which records have which fields\n\n")
		var conds []schemaNode
		if err := json.Unmarshal(all, &conds); err != nil {
			return nil, err
		}
		for _, c := range conds {
			b.WriteString("- " + describeCondition(&c) + "\n")
		}
	}
	for i := 0; i < len(d.defSections); i++ { // sections may add more
		name := d.defSections[i]
		def := d.defs.node(name)
		fmt.Fprintf(&b, "\n## %s\n\n", name)
		if s := def.str("description"); s != "" {
			b.WriteString(s + "\n\n")
		}
		d.table(&b, "", def)
	}
	return []byte(b.String()), nil
}

func (d *fieldsDoc) table(b *strings.Builder, prefix string, obj *schemaNode) {
	if prefix == "" {
		b.WriteString("| field | type | required | values | description |\n|---|---|---|---|---|\n")
	}
	props := obj.node("properties")
	if props == nil {
		return
	}
	required := map[string]bool{}
	for _, r := range obj.strings("required") {
		required[r] = true
	}
	for _, name := range props.keys {
		p := props.node(name)
		path := prefix + name
		row := d.describe(p)
		row.path = "`" + path + "`"
		if required[name] {
			row.required = "yes"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", row.path, row.typ, row.required, row.values, row.desc)
		switch {
		case p.str("type") == "object" && p.node("properties") != nil:
			d.table(b, path+".", p)
		case p.str("type") == "array":
			if it := p.node("items"); it != nil && it.str("type") == "object" {
				d.table(b, path+"[].", it)
			}
		}
	}
}

// describe gives a property's type, allowed values and description,
// following a $ref into $defs.
func (d *fieldsDoc) describe(p *schemaNode) fieldRow {
	var r fieldRow
	r.desc = escapeCell(p.str("description"))
	if ref := p.str("$ref"); ref != "" {
		name := strings.TrimPrefix(ref, "#/$defs/")
		def := d.defs.node(name)
		inner := d.describe(def)
		if def.str("type") == "object" {
			d.section(name)
			inner.typ = fmt.Sprintf("[%s](#%s)", name, name)
		}
		if r.desc == "" {
			r.desc = inner.desc
		}
		r.typ, r.values = inner.typ, inner.values
		return r
	}
	r.typ = p.str("type")
	if r.typ == "" {
		var types []string
		_ = json.Unmarshal(p.raw["type"], &types)
		r.typ = strings.Join(types, " or ")
	}
	var vals []string
	if c, ok := p.raw["const"]; ok {
		vals = append(vals, "always "+"`"+string(c)+"`")
		if r.typ == "" {
			r.typ = jsonType(c)
		}
	}
	if e, ok := p.raw["enum"]; ok {
		var items []json.RawMessage
		_ = json.Unmarshal(e, &items)
		var quoted []string
		for _, it := range items {
			var s string
			if json.Unmarshal(it, &s) == nil {
				quoted = append(quoted, "`"+s+"`")
			} else {
				quoted = append(quoted, "`"+string(it)+"`")
			}
		}
		vals = append(vals, "one of "+strings.Join(quoted, ", "))
		if r.typ == "" && len(items) > 0 {
			r.typ = jsonType(items[0])
		}
	}
	for _, k := range []struct{ key, text string }{
		{"minimum", "≥ %s"}, {"maximum", "≤ %s"}, {"minLength", "length ≥ %s"}, {"maxLength", "length ≤ %s"},
	} {
		if v, ok := p.raw[k.key]; ok {
			vals = append(vals, fmt.Sprintf(k.text, string(v)))
		}
	}
	if pat := p.str("pattern"); pat != "" {
		vals = append(vals, "matches `"+strings.ReplaceAll(pat, "|", `\|`)+"`")
	}
	if p.raw["uniqueItems"] != nil {
		vals = append(vals, "no duplicates")
	}
	if r.typ == "array" {
		if it := p.node("items"); it != nil {
			inner := d.describe(it)
			r.typ = "array of " + inner.typ
			if len(vals) == 0 && inner.values != "" {
				vals = append(vals, "items: "+inner.values)
			}
		}
	}
	r.values = strings.Join(vals, "; ")
	return r
}

func (d *fieldsDoc) section(name string) {
	if !d.seenDefs[name] {
		d.seenDefs[name] = true
		d.defSections = append(d.defSections, name)
	}
}

func jsonType(raw json.RawMessage) string {
	switch s := strings.TrimSpace(string(raw)); {
	case strings.HasPrefix(s, `"`):
		return "string"
	case s == "true" || s == "false":
		return "boolean"
	default:
		return "number"
	}
}

// describeCondition renders one allOf entry of the form
// {"if": {"properties": {"status": {...}}}, "then": {...}}.
func describeCondition(c *schemaNode) string {
	cond := "always"
	if ifn := c.node("if"); ifn != nil {
		if props := ifn.node("properties"); props != nil {
			var parts []string
			for _, k := range props.keys {
				p := props.node(k)
				var vals []string
				if e := p.strings("enum"); len(e) > 0 {
					vals = e
				} else if s := p.str("const"); s != "" {
					vals = []string{s}
				}
				for i := range vals {
					vals[i] = "`" + vals[i] + "`"
				}
				parts = append(parts, fmt.Sprintf("`%s` is %s", k, strings.Join(vals, " or ")))
			}
			cond = "when " + strings.Join(parts, " and ")
		}
	}
	then := c.node("then")
	var out []string
	if req := then.strings("required"); len(req) > 0 {
		sort.Strings(req)
		out = append(out, "the record has "+backquoteAll(req))
	}
	if not := then.node("not"); not != nil {
		if req := not.strings("required"); len(req) > 0 {
			out = append(out, "the record has no "+backquoteAll(req))
		}
	}
	return cond + ": " + strings.Join(out, "; ")
}

func backquoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = "`" + s + "`"
	}
	return strings.Join(q, ", ")
}

func escapeCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

package workflow

// A checker for the nf-core module conventions the wtalign modules follow.
// It reads main.nf with a small line-oriented parser (nf-core modules have a
// fixed layout: directives, then input:, output:, when:, script:, stub:),
// meta.yml and environment.yml with yaml.v3, and the nf-test file, and
// reports every disagreement it finds.

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// nfElem is one element of an input or output declaration: the qualifier
// (val, path, eval, env, ...) and its argument without quotes.
type nfElem struct {
	Qual string
	Name string
}

// nfDecl is one input or output line, e.g.
// tuple val(meta), path("*.json"), emit: alignments.
type nfDecl struct {
	Elems []nfElem
	Opts  map[string]string // emit, topic, optional, stageAs, ...
	Line  string
}

type nfProcess struct {
	Name       string
	Directives string // text before input:
	Inputs     []nfDecl
	Outputs    []nfDecl
	When       string
	Script     string
	Stub       string
}

var (
	reProcess = regexp.MustCompile(`(?m)^process\s+([A-Za-z0-9_]+)\s*\{\s*$`)
	reSection = regexp.MustCompile(`^\s*(input|output|when|script|shell|exec|stub):\s*$`)
	reElem    = regexp.MustCompile(`^(val|path|file|env|eval|stdin|stdout)\s*\((.*)\)$`)
)

// parseProcess parses the single process in a module's main.nf.
func parseProcess(src string) (*nfProcess, error) {
	m := reProcess.FindAllStringSubmatchIndex(src, -1)
	if len(m) != 1 {
		return nil, fmt.Errorf("main.nf must define exactly one process (found %d)", len(m))
	}
	p := &nfProcess{Name: src[m[0][2]:m[0][3]]}
	body := src[m[0][1]:]
	end := strings.LastIndex(body, "\n}")
	if end < 0 {
		return nil, fmt.Errorf("process %s has no closing brace at the start of a line", p.Name)
	}
	body = body[:end]

	sections := map[string][]string{}
	var order []string
	cur := "directives"
	for _, line := range strings.Split(body, "\n") {
		if sm := reSection.FindStringSubmatch(line); sm != nil {
			cur = sm[1]
			if _, dup := sections[cur]; dup {
				return nil, fmt.Errorf("section %s: appears twice", cur)
			}
			sections[cur] = nil
			order = append(order, cur)
			continue
		}
		sections[cur] = append(sections[cur], line)
	}
	want := []string{"input", "output", "when", "script", "stub"}
	if strings.Join(order, ",") != strings.Join(want, ",") {
		return nil, fmt.Errorf("sections are %v; an nf-core module has %v in that order", order, want)
	}
	p.Directives = strings.Join(sections["directives"], "\n")
	p.When = strings.TrimSpace(strings.Join(sections["when"], "\n"))
	p.Script = strings.Join(sections["script"], "\n")
	p.Stub = strings.Join(sections["stub"], "\n")
	var err error
	if p.Inputs, err = parseDecls(sections["input"]); err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	if p.Outputs, err = parseDecls(sections["output"]); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	return p, nil
}

func parseDecls(lines []string) ([]nfDecl, error) {
	var out []nfDecl
	for _, line := range lines {
		s := strings.TrimSpace(line)
		if s == "" || strings.HasPrefix(s, "//") {
			continue
		}
		d := nfDecl{Opts: map[string]string{}, Line: s}
		s = strings.TrimPrefix(s, "tuple ")
		for _, part := range splitTopLevel(s) {
			part = strings.TrimSpace(part)
			if em := reElem.FindStringSubmatch(part); em != nil {
				args := splitTopLevel(em[2])
				name := unquote(strings.TrimSpace(args[0]))
				for _, a := range args[1:] { // path(x, stageAs: "dir/*")
					k, v, _ := strings.Cut(a, ":")
					d.Opts[strings.TrimSpace(k)] = unquote(strings.TrimSpace(v))
				}
				d.Elems = append(d.Elems, nfElem{Qual: em[1], Name: name})
				continue
			}
			if k, v, ok := strings.Cut(part, ":"); ok && regexp.MustCompile(`^[A-Za-z]+$`).MatchString(strings.TrimSpace(k)) {
				d.Opts[strings.TrimSpace(k)] = unquote(strings.TrimSpace(v))
				continue
			}
			if strings.HasPrefix(part, "path ") || strings.HasPrefix(part, "val ") { // path reference
				q, n, _ := strings.Cut(part, " ")
				d.Elems = append(d.Elems, nfElem{Qual: q, Name: unquote(strings.TrimSpace(n))})
				continue
			}
			return nil, fmt.Errorf("cannot read %q in %q", part, line)
		}
		if len(d.Elems) == 0 {
			return nil, fmt.Errorf("no channel elements in %q", line)
		}
		out = append(out, d)
	}
	return out, nil
}

// splitTopLevel splits on commas outside quotes, parentheses and brackets.
func splitTopLevel(s string) []string {
	var parts []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case c == ',' && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

func (d nfDecl) names() []string {
	var n []string
	for _, e := range d.Elems {
		n = append(n, e.Name)
	}
	return n
}

var (
	reTag       = regexp.MustCompile(`(?m)^\s*tag\s+"\$\{meta\.id\}"\s*$`)
	reLabel     = regexp.MustCompile(`(?m)^\s*label\s+'(process_[a-z_]+)'\s*$`)
	reConda     = regexp.MustCompile(`(?m)^\s*conda\s+"\$\{moduleDir\}/environment\.yml"\s*$`)
	reContainer = regexp.MustCompile(`(?m)^\s*container\s+["']`)
	reTestName  = regexp.MustCompile(`(?m)^\s*test\("([^"]+)"\)\s*\{`)
	reStubFile  = regexp.MustCompile(`(?:>|touch)\s+([^\s;|&]+)`)
	validLabels = map[string]bool{"process_single": true, "process_low": true, "process_medium": true, "process_high": true, "process_long": true, "process_high_memory": true}
)

// checkModule checks the module in dir (…/modules/<tool>/<subtool>) and
// returns every problem found.
func checkModule(dir string) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	tool := filepath.Base(filepath.Dir(dir))
	sub := filepath.Base(dir)
	wantName := strings.ToUpper(tool + "_" + sub)

	src, err := os.ReadFile(filepath.Join(dir, "main.nf"))
	if err != nil {
		return []error{err}
	}
	p, err := parseProcess(string(src))
	if err != nil {
		return []error{fmt.Errorf("main.nf: %w", err)}
	}
	if p.Name != wantName {
		fail("main.nf: process is %s, want %s (from the module path %s/%s)", p.Name, wantName, tool, sub)
	}
	if !reTag.MatchString(p.Directives) {
		fail(`main.nf: needs the directive tag "${meta.id}"`)
	}
	labels := reLabel.FindAllStringSubmatch(p.Directives, -1)
	if len(labels) != 1 || !validLabels[labels[0][1]] {
		fail("main.nf: needs exactly one nf-core resource label (process_single, process_low, process_medium, ...), found %v", labels)
	}
	if !reConda.MatchString(p.Directives) {
		fail(`main.nf: needs conda "${moduleDir}/environment.yml"`)
	}
	if !reContainer.MatchString(p.Directives) {
		fail("main.nf: needs a container directive")
	} else if !strings.Contains(p.Directives, "'https://depot.galaxyproject.org/singularity/") || !strings.Contains(p.Directives, "'quay.io/biocontainers/") {
		// BioContainers images have bash, which the task wrapper needs.
		fail("main.nf: the container directive must follow the BioContainers pattern (depot.galaxyproject.org/singularity/... for Singularity, quay.io/biocontainers/... otherwise)")
	}
	if p.When != "task.ext.when == null || task.ext.when" {
		fail("main.nf: when: must be exactly 'task.ext.when == null || task.ext.when', is %q", p.When)
	}
	for _, s := range []string{"task.ext.args", "task.ext.prefix"} {
		if !strings.Contains(p.Script, s) {
			fail("main.nf: script: does not use %s", s)
		}
	}
	if len(labels) == 1 && labels[0][1] != "process_single" && !strings.Contains(p.Script, "--threads ${task.cpus}") {
		fail("main.nf: script: a multi-threaded module must pass --threads ${task.cpus}")
	}
	if !strings.Contains(p.Stub, "task.ext.prefix") {
		fail("main.nf: stub: must name its files with task.ext.prefix like the script")
	}

	// Inputs: the first is a tuple with the meta map.
	if len(p.Inputs) == 0 || len(p.Inputs[0].Elems) < 2 || p.Inputs[0].Elems[0] != (nfElem{"val", "meta"}) {
		fail("main.nf: the first input must be tuple val(meta), path(...)")
	}

	// Outputs: every one emitted; versions as a topic; files with meta.
	emits := map[string]bool{}
	var versions *nfDecl
	for i, o := range p.Outputs {
		emit := o.Opts["emit"]
		if emit == "" {
			fail("main.nf: output %q has no emit:", o.Line)
			continue
		}
		if emits[emit] {
			fail("main.nf: emit %s is used twice", emit)
		}
		emits[emit] = true
		if strings.HasPrefix(emit, "versions") {
			versions = &p.Outputs[i]
			continue
		}
		if o.Elems[0] != (nfElem{"val", "meta"}) {
			fail("main.nf: output %s must be a tuple starting with val(meta)", emit)
		}
		for _, e := range o.Elems[1:] {
			if e.Qual != "path" {
				continue
			}
			lit := strings.ReplaceAll(e.Name, "*", "")
			if !strings.Contains(p.Script, lit) {
				fail("main.nf: script: never writes a file matching output %s (%s)", emit, e.Name)
			}
			if !stubCreates(p.Stub, e.Name) {
				fail("main.nf: stub: creates no file matching output %s (%s)", emit, e.Name)
			}
		}
	}
	if versions == nil {
		fail("main.nf: no versions output")
	} else {
		v := versions
		if v.Opts["topic"] != "versions" {
			fail("main.nf: the versions output must have topic: versions")
		}
		if len(v.Elems) != 3 || v.Elems[0] != (nfElem{"val", "${task.process}"}) || v.Elems[1] != (nfElem{"val", tool}) || v.Elems[2].Qual != "eval" {
			fail(`main.nf: versions must be tuple val("${task.process}"), val('%s'), eval(...), got %q`, tool, v.Line)
		}
		if v.Opts["emit"] != "versions_"+tool {
			fail("main.nf: versions emit must be versions_%s, is %s", tool, v.Opts["emit"])
		}
	}

	errs = append(errs, checkMetaYML(dir, p)...)
	errs = append(errs, checkEnvironment(dir, tool)...)
	errs = append(errs, checkNFTest(dir, p.Name, tool+"/"+sub)...)
	return errs
}

// stubCreates reports whether the stub writes a file that the glob matches,
// with ${prefix} and other interpolations standing for any name.
func stubCreates(stub, glob string) bool {
	for _, m := range reStubFile.FindAllStringSubmatch(stub, -1) {
		name := regexp.MustCompile(`\$\{[^}]*\}|\$[A-Za-z_]+`).ReplaceAllString(m[1], "X")
		if ok, _ := path.Match(glob, name); ok {
			return true
		}
	}
	return false
}

// yamlEntry is one "name: {type: ..., ...}" item of meta.yml.
type yamlEntry struct {
	Name   string
	Fields map[string]any
}

// entries flattens one channel of meta.yml: a list (tuple) of single-key maps
// or a single single-key map.
func entries(n *yaml.Node) ([]yamlEntry, error) {
	var items []*yaml.Node
	switch n.Kind {
	case yaml.SequenceNode:
		items = n.Content
	case yaml.MappingNode:
		items = []*yaml.Node{n}
	default:
		return nil, fmt.Errorf("line %d: expected a list or a map", n.Line)
	}
	var out []yamlEntry
	for _, it := range items {
		if it.Kind != yaml.MappingNode || len(it.Content) != 2 {
			return nil, fmt.Errorf("line %d: each element must be a single-key map", it.Line)
		}
		var fields map[string]any
		if err := it.Content[1].Decode(&fields); err != nil {
			return nil, fmt.Errorf("line %d: %w", it.Line, err)
		}
		out = append(out, yamlEntry{Name: it.Content[0].Value, Fields: fields})
	}
	return out, nil
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func checkMetaYML(dir string, p *nfProcess) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf("meta.yml: "+format, args...)) }
	data, err := os.ReadFile(filepath.Join(dir, "meta.yml"))
	if err != nil {
		return []error{err}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return []error{fmt.Errorf("meta.yml: %w", err)}
	}
	if len(doc.Content) == 0 {
		return []error{fmt.Errorf("meta.yml: empty")}
	}
	root := doc.Content[0]
	if n := mapValue(root, "name"); n == nil || n.Value != strings.ToLower(p.Name) {
		fail("name must be %q", strings.ToLower(p.Name))
	}
	for _, k := range []string{"description", "keywords", "tools", "authors", "maintainers"} {
		if mapValue(root, k) == nil {
			fail("missing %s", k)
		}
	}

	// Inputs, in order, element by element.
	in := mapValue(root, "input")
	if in == nil || in.Kind != yaml.SequenceNode {
		fail("input must be a list")
	} else if len(in.Content) != len(p.Inputs) {
		fail("has %d input channels, main.nf has %d", len(in.Content), len(p.Inputs))
	} else {
		for i, ch := range in.Content {
			es, err := entries(ch)
			if err != nil {
				fail("input %d: %v", i+1, err)
				continue
			}
			var names []string
			for _, e := range es {
				names = append(names, e.Name)
				wantType := "file"
				if e.Name == "meta" {
					wantType = "map"
				}
				if e.Fields["type"] != wantType {
					fail("input %s: type %v, want %s", e.Name, e.Fields["type"], wantType)
				}
			}
			if strings.Join(names, ",") != strings.Join(p.Inputs[i].names(), ",") {
				fail("input %d is %v, main.nf declares %v", i+1, names, p.Inputs[i].names())
			}
		}
	}

	// Outputs: keyed by emit, in main.nf's order, elements agreeing.
	out := mapValue(root, "output")
	if out == nil || out.Kind != yaml.MappingNode {
		fail("output must be a map keyed by emit name")
		return errs
	}
	var metaEmits, nfEmits []string
	for i := 0; i+1 < len(out.Content); i += 2 {
		metaEmits = append(metaEmits, out.Content[i].Value)
	}
	for _, o := range p.Outputs {
		nfEmits = append(nfEmits, o.Opts["emit"])
	}
	if strings.Join(metaEmits, ",") != strings.Join(nfEmits, ",") {
		fail("outputs are %v, main.nf emits %v", metaEmits, nfEmits)
		return errs
	}
	for i, o := range p.Outputs {
		ch := out.Content[2*i+1]
		if ch.Kind != yaml.SequenceNode || len(ch.Content) != 1 {
			fail("output %s must be a list holding one tuple", o.Opts["emit"])
			continue
		}
		es, err := entries(ch.Content[0])
		if err != nil {
			fail("output %s: %v", o.Opts["emit"], err)
			continue
		}
		if len(es) != len(o.Elems) {
			fail("output %s has %d elements, main.nf has %d", o.Opts["emit"], len(es), len(o.Elems))
			continue
		}
		for j, e := range es {
			want := o.Elems[j]
			if e.Name != want.Name {
				fail("output %s element %d is %q, main.nf has %q", o.Opts["emit"], j+1, e.Name, want.Name)
			}
			wantType := map[string]string{"path": "file", "eval": "eval"}[want.Qual]
			if want.Qual == "val" {
				wantType = "string"
				if want.Name == "meta" {
					wantType = "map"
				}
			}
			if e.Fields["type"] != wantType {
				fail("output %s element %q: type %v, want %s", o.Opts["emit"], e.Name, e.Fields["type"], wantType)
			}
			if want.Qual == "path" && e.Fields["pattern"] != want.Name {
				fail("output %s element %q: pattern %v, want %s", o.Opts["emit"], e.Name, e.Fields["pattern"], want.Name)
			}
		}
	}

	// topics.versions repeats the versions output.
	topics := mapValue(root, "topics")
	var tv *yaml.Node
	if topics != nil {
		tv = mapValue(topics, "versions")
	}
	var vi = -1
	for i, o := range p.Outputs {
		if o.Opts["topic"] == "versions" {
			vi = i
		}
	}
	switch {
	case tv == nil:
		fail("missing topics: versions")
	case vi < 0:
	default:
		a, _ := yaml.Marshal(tv)
		b, _ := yaml.Marshal(out.Content[2*vi+1])
		if string(a) != string(b) {
			fail("topics.versions differs from output %s", p.Outputs[vi].Opts["emit"])
		}
	}
	return errs
}

func checkEnvironment(dir, tool string) []error {
	data, err := os.ReadFile(filepath.Join(dir, "environment.yml"))
	if err != nil {
		return []error{err}
	}
	var env struct {
		Channels     []string `yaml:"channels"`
		Dependencies []any    `yaml:"dependencies"`
	}
	if err := yaml.Unmarshal(data, &env); err != nil {
		return []error{fmt.Errorf("environment.yml: %w", err)}
	}
	var errs []error
	if strings.Join(env.Channels, ",") != "conda-forge,bioconda" {
		errs = append(errs, fmt.Errorf("environment.yml: channels must be [conda-forge, bioconda], are %v", env.Channels))
	}
	pinned := false
	for _, d := range env.Dependencies {
		if s, ok := d.(string); ok && regexp.MustCompile(`^bioconda::`+regexp.QuoteMeta(tool)+`=\d`).MatchString(s) {
			pinned = true
		}
	}
	if !pinned {
		errs = append(errs, fmt.Errorf("environment.yml: needs a pinned dependency bioconda::%s=VERSION", tool))
	}
	return errs
}

func checkNFTest(dir, process, tag string) []error {
	var errs []error
	fail := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("tests/main.nf.test: "+format, args...))
	}
	data, err := os.ReadFile(filepath.Join(dir, "tests", "main.nf.test"))
	if err != nil {
		return []error{err}
	}
	src := string(data)
	for _, want := range []string{`script "../main.nf"`, fmt.Sprintf(`process "%s"`, process), fmt.Sprintf(`tag "%s"`, tag), `options "-stub"`, ".match()"} {
		if !strings.Contains(src, want) {
			fail("missing %s", want)
		}
	}
	// Test data is named relative to nf-test's projectDir (workflow/nextflow).
	projectDir := filepath.Join(dir, "..", "..", "..")
	for _, m := range regexp.MustCompile(`\$\{projectDir\}/([^"]+)"`).FindAllStringSubmatch(src, -1) {
		if _, err := os.Stat(filepath.Join(projectDir, m[1])); err != nil {
			fail("test data %s: %v", m[1], err)
		}
	}
	var names []string
	for _, m := range reTestName.FindAllStringSubmatch(src, -1) {
		names = append(names, m[1])
	}
	if len(names) < 2 {
		fail("needs a real test and a stub test, found %v", names)
	}
	snap, err := os.ReadFile(filepath.Join(dir, "tests", "main.nf.test.snap"))
	if err != nil {
		return append(errs, fmt.Errorf("tests/main.nf.test.snap: %w", err))
	}
	var snaps map[string]struct {
		Content json.RawMessage `json:"content"`
	}
	if err := json.Unmarshal(snap, &snaps); err != nil {
		return append(errs, fmt.Errorf("tests/main.nf.test.snap: %w", err))
	}
	for _, n := range names {
		if s, ok := snaps[n]; !ok || len(s.Content) == 0 {
			fail("test %q has no snapshot in main.nf.test.snap", n)
		}
	}
	for n := range snaps {
		if !contains(names, n) {
			fail("main.nf.test.snap has a snapshot %q for no test", n)
		}
	}
	return errs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"

	"github.com/wtalign/wtalign/pipeline"
)

// specSource is where a command's job specification came from: flags,
// and the --config file for keys the command line did not give. It keeps
// the line of each config key, so an invalid value is reported where the
// user wrote it.
type specSource struct {
	path  string
	lines map[string]int // config key -> line
	fs    *pflag.FlagSet
}

func (c *specSource) addFlag(fs *pflag.FlagSet) {
	fs.StringVar(&c.path, "config", "", "YAML file with defaults for these flags (same names as keys); flags override it")
	setGroup(fs, groupRun, "config")
}

func (c *specSource) files() []string {
	if c.path == "" {
		return nil
	}
	return []string{c.path}
}

// configSkip are keys that make no sense in a shared config file.
var configSkip = map[string]bool{"inputs": true, "out": true, "manifest": true, "shard": true, "force": true}

// apply sets every key of the config file whose flag was not given on the
// command line. Keys are the long flag names; an unknown key, or a value
// of the wrong kind, is a usage error naming the file and line.
func (c *specSource) apply(fs *pflag.FlagSet, s *pipeline.Spec) error {
	c.fs = fs
	if c.path == "" {
		return nil
	}
	b, err := os.ReadFile(c.path)
	if err != nil {
		return usagef("--config: %v", err)
	}
	return c.applyData(fs, s, b)
}

// applyData is apply on the file's content.
func (c *specSource) applyData(fs *pflag.FlagSet, s *pipeline.Spec, data []byte) error {
	entries, err := parseConfig(c.path, data, fs)
	if err != nil {
		return err
	}
	c.lines = map[string]int{}
	for _, e := range entries {
		c.lines[e.key] = e.line
		if fs.Lookup(e.key).Changed {
			continue // the command line wins
		}
		for _, item := range e.items {
			if err := s.Set(e.key, item.value); err != nil {
				var fe *pipeline.FieldError
				if errors.As(err, &fe) {
					return usagef("config %s line %d: %s: %s, got %s", c.path, item.line, e.key, fe.Msg, fe.Value)
				}
				return usagef("config %s line %d: %s: %v", c.path, item.line, e.key, err)
			}
		}
	}
	return nil
}

// configEntry is one key of a config file: the line of its value and its
// items (one, or several for a list flag such as --catalog).
type configEntry struct {
	key   string
	line  int
	items []configItem
}

type configItem struct {
	value string
	line  int
}

// parseConfig reads the YAML of the config file path: a mapping of the long
// flag names of fs (less those that belong on the command line) to single
// values, or lists of them for list flags, each key once. Errors are usage
// errors naming the file and, but for YAML syntax errors (which carry their
// own line), the line.
func parseConfig(path string, data []byte, fs *pflag.FlagSet) ([]configEntry, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, usagef("config %s: not valid YAML: %v", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, nil // empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, usagef("config %s line %d: want a mapping of flag names to values", path, root.Line)
	}
	var out []configEntry
	first := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		f := fs.Lookup(k.Value)
		if f == nil || k.Value == "config" || k.Value == "help" || configSkip[k.Value] {
			return nil, usagef("config %s line %d: unknown key %q (keys are the long flag names of 'wtalign %s', e.g. matrix, gapopen, min-identity; out, shard and force belong on the command line)",
				path, k.Line, k.Value, fs.Name())
		}
		if line, dup := first[k.Value]; dup {
			return nil, usagef("config %s line %d: key %q given twice (first on line %d)", path, k.Line, k.Value, line)
		}
		list := f.Value.Type() == "stringArray"
		values := []*yaml.Node{v}
		switch {
		case v.Kind == yaml.SequenceNode && list:
			values = v.Content
		case v.Kind != yaml.ScalarNode:
			if list {
				return nil, usagef("config %s line %d: key %q needs a value or a list of values", path, v.Line, k.Value)
			}
			return nil, usagef("config %s line %d: key %q needs a single value", path, v.Line, k.Value)
		}
		first[k.Value] = v.Line
		e := configEntry{key: k.Value, line: v.Line}
		for _, item := range values {
			if item.Kind != yaml.ScalarNode {
				return nil, usagef("config %s line %d: key %q: each item needs a single value", path, item.Line, k.Value)
			}
			e.items = append(e.items, configItem{value: item.Value, line: item.Line})
		}
		out = append(out, e)
	}
	return out, nil
}

// explain turns a *pipeline.FieldError into a usage error that names the
// value the way the user gave it: a flag, or a key on a line of the config
// file. Other errors pass unchanged.
func (c *specSource) explain(err error) error {
	var fe *pipeline.FieldError
	if !errors.As(err, &fe) {
		return err
	}
	val := ""
	if fe.Value != "" {
		val = " " + fe.Value
	}
	switch {
	case fe.Key == "inputs":
		return usagef("query files%s: %s", val, fe.Msg)
	case c.lines[fe.Key] > 0:
		return usagef("config %s line %d: %s%s: %s", c.path, c.lines[fe.Key], fe.Key, val, fe.Msg)
	}
	name := "--" + fe.Key
	if c.fs != nil {
		if f := c.fs.Lookup(fe.Key); f != nil && f.Shorthand != "" {
			name += "/-" + f.Shorthand
		}
	}
	return usagef("%s%s: %s", name, val, fe.Msg)
}

// defaultConfig renders align's flags as a commented YAML file.
func defaultConfig() []byte {
	fs := pflag.NewFlagSet("align", pflag.ContinueOnError)
	newAlignOptions().AddFlags(fs)
	var b bytes.Buffer
	b.WriteString("# wtalign align configuration. Keys are the long flag names of 'wtalign align';\n")
	b.WriteString("# flags given on the command line override these values. Use: wtalign align --config FILE ...\n")
	for _, key := range pipeline.SpecKeys() {
		f := fs.Lookup(key)
		if f == nil || configSkip[key] {
			continue
		}
		def := f.DefValue
		switch {
		case f.Value.Type() == "stringArray":
			fmt.Fprintf(&b, "\n# %s\n# %s: [first, second]\n", f.Usage, key)
			continue
		case key == "threads":
			fmt.Fprintf(&b, "\n# %s\n# (delete the key to use every CPU this process may use)\n# threads: 8\n", f.Usage)
			continue
		case f.Value.Type() == "string":
			def = fmt.Sprintf("%q", def)
		}
		fmt.Fprintf(&b, "\n# %s\n%s: %s\n", f.Usage, key, def)
	}
	return b.Bytes()
}

type configInitOptions struct {
	Out   string
	Force bool
}

func (o *configInitOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.Out, "out", "o", "-", "file to write; - for stdout")
	fs.BoolVar(&o.Force, "force", false, "overwrite an existing file")
}

func newConfigCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Work with configuration files",
		Args:  noArgs,
	}
	o := &configInitOptions{}
	initCmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented configuration file with the defaults",
		Long:  "Write a commented YAML file with every align setting at its default, for --config." + exitHelp(exitOK, exitError, exitUsage),
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runConfigInit(cmd.Context(), a, o)
		},
	}
	o.AddFlags(initCmd.Flags())
	cmd.AddCommand(initCmd)
	return cmd
}

func runConfigInit(_ context.Context, a *app, o *configInitOptions) error {
	b := defaultConfig()
	if o.Out == "-" {
		_, err := a.io.Out.Write(b)
		return err
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if o.Force {
		flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(o.Out, flag, 0o644) // #nosec G302 -- a config file the user asked for, 0644 (umask applies) like the tool's outputs, so a lab group can share it
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("config init: %s exists (use --force to overwrite)", o.Out)
	}
	if err != nil {
		return fmt.Errorf("config init: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close() // #nosec G104 -- error path: the write error is the one reported
		return fmt.Errorf("config init: %w", err)
	}
	return f.Close()
}

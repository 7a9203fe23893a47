package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"
)

// applyConfigFile sets every flag named in the YAML file that was not
// given on the command line. Keys are the long flag names; an unknown key
// is an error naming it and its line.
func applyConfigFile(fs *pflag.FlagSet, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	if len(doc.Content) == 0 {
		return nil // empty file
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return fmt.Errorf("config %s line %d: want a mapping of flag names to values", path, root.Line)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		f := fs.Lookup(k.Value)
		if f == nil || k.Value == "config" || k.Value == "help" {
			return fmt.Errorf("config %s line %d: unknown key %q (keys are the long flag names of 'wtalign align', e.g. matrix, gapopen, min-identity)", path, k.Line, k.Value)
		}
		if v.Kind != yaml.ScalarNode {
			return fmt.Errorf("config %s line %d: key %q needs a single value", path, v.Line, k.Value)
		}
		if f.Changed {
			continue // the command line wins
		}
		if err := f.Value.Set(v.Value); err != nil {
			return fmt.Errorf("config %s line %d: key %q: %v", path, v.Line, k.Value, err)
		}
	}
	return nil
}

// configSkip are align flags that make no sense in a shared config file.
var configSkip = map[string]bool{"config": true, "help": true, "cpuprofile": true, "memprofile": true, "out": true, "manifest": true, "shard": true, "force": true}

// defaultConfig renders the align flags as a commented YAML file.
func defaultConfig(a *app) []byte {
	fs := pflag.NewFlagSet("align", pflag.ContinueOnError)
	(&alignOptions{}).addFlags(fs)
	var names []string
	fs.VisitAll(func(f *pflag.Flag) {
		if !configSkip[f.Name] {
			names = append(names, f.Name)
		}
	})
	sort.Strings(names)
	var b bytes.Buffer
	b.WriteString("# wtalign align configuration. Keys are the long flag names of 'wtalign align';\n")
	b.WriteString("# flags given on the command line override these values. Use: wtalign align --config FILE ...\n")
	for _, n := range names {
		f := fs.Lookup(n)
		def := f.DefValue
		if n == "threads" {
			def = "0"
			fmt.Fprintf(&b, "\n# %s\n# (0 is not accepted: set a number, or delete the key to use all CPUs)\n# %s: %s\n", f.Usage, n, def)
			continue
		}
		if f.Value.Type() == "string" {
			def = fmt.Sprintf("%q", def)
		}
		fmt.Fprintf(&b, "\n# %s\n%s: %s\n", f.Usage, n, def)
	}
	return b.Bytes()
}

type configInitOptions struct {
	Out   string
	Force bool
}

func newConfigCommand(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Work with configuration files",
		Args:  cobra.NoArgs,
	}
	o := &configInitOptions{}
	initCmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented configuration file with the defaults",
		Long:  "Write a commented YAML file with every align setting at its default, for --config." + exitStatusHelp,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runConfigInit(a, o)
		},
	}
	initCmd.Flags().StringVarP(&o.Out, "out", "o", "-", "file to write; - for stdout")
	initCmd.Flags().BoolVar(&o.Force, "force", false, "overwrite an existing file")
	cmd.AddCommand(initCmd)
	return cmd
}

func runConfigInit(a *app, o *configInitOptions) error {
	b := defaultConfig(a)
	if o.Out == "-" {
		_, err := a.io.Out.Write(b)
		return err
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if o.Force {
		flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(o.Out, flag, 0o644)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("config init: %s exists (use --force to overwrite)", o.Out)
	}
	if err != nil {
		return fmt.Errorf("config init: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("config init: %w", err)
	}
	return f.Close()
}

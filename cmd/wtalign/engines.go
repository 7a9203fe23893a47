package main

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/emboss"
	"github.com/wtalign/wtalign/pipeline"
)

type enginesOptions struct {
	JSON bool
	spec pipeline.Spec // only its water-path
}

func (o *enginesOptions) AddFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.JSON, "json", false, "print JSON instead of a table")
	addWaterPathFlag(fs, &o.spec)
}

const enginesLong = `List the alignment engines, whether each is available, its version and
path, and the CPU features the native engine can use.

  native  built in; reproduces EMBOSS water 6.6 exactly (integers where
          they are provably identical, water's float arithmetic otherwise).
          Its score pass uses the fastest kernel the CPU supports (avx512
          with AVX512F, AVX512BW and AVX512VL; avx2 with AVX2; else
          generic); WTALIGN_KERNEL=generic|avx2|avx512 forces one.
  water   EMBOSS water, run as an external program in batches. Found via
          --water-path, else $` + emboss.EnvWater + `, else water on $PATH; it must
          report an EMBOSS 6.x version ('water -version') and be water
          ('water -help'). Install it with scripts/install-emboss.sh.

Use 'wtalign compare' to prove that both engines give the same alignments
on your data. An unavailable engine is listed with the reason; it does not
change the exit status.`

func newEnginesCommand(a *app) *cobra.Command {
	o := &enginesOptions{}
	cmd := &cobra.Command{
		Use:     "engines [--json] [--water-path PATH]",
		Short:   "List alignment engines (native, EMBOSS water) and their availability",
		Long:    enginesLong + exitHelp(exitOK, exitUsage),
		Example: "  wtalign engines\n  wtalign engines --json --water-path /opt/emboss/bin/water",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runEngines(cmd.Context(), a, o)
		},
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// engineInfo is one row of 'wtalign engines' (and its JSON object).
type engineInfo struct {
	Name      string          `json:"name"`
	Available bool            `json:"available"`
	Version   string          `json:"version,omitempty"`
	Path      string          `json:"path,omitempty"`
	Source    string          `json:"source,omitempty"`
	Error     string          `json:"error,omitempty"`
	Kernel    string          `json:"kernel,omitempty"`
	Kernels   []string        `json:"kernels_available,omitempty"`
	CPU       map[string]bool `json:"cpu_features,omitempty"`
	Arch      string          `json:"arch,omitempty"`
	Note      string          `json:"note,omitempty"`
}

func nativeInfo() engineInfo {
	v, _ := versionInfo()
	return engineInfo{
		Name: "native", Available: true, Version: v, Path: "(built in)",
		Kernel: aligner.Kernel(), Kernels: aligner.Kernels(), CPU: aligner.CPUFeatures(), Arch: runtime.GOARCH,
		Note: "EMBOSS water 6.6 semantics: exact integers where they are provably identical, water's float arithmetic otherwise",
	}
}

func waterInfo(ctx context.Context, path string) (engineInfo, *emboss.Water) {
	info := engineInfo{Name: "water"}
	w, err := emboss.DetectContext(ctx, path)
	if err != nil {
		info.Error = err.Error()
		return info, nil
	}
	info.Available, info.Version, info.Path, info.Source = true, w.Version, w.Path, w.Source
	if w.Version != emboss.TestedVersion {
		info.Note = "parity verified with " + emboss.TestedVersion + "; run 'wtalign compare' on this version"
	}
	return info, w
}

func runEngines(ctx context.Context, a *app, o *enginesOptions) error {
	water, _ := waterInfo(ctx, o.spec.WaterPath)
	engines := []engineInfo{nativeInfo(), water}
	if o.JSON {
		b, err := json.MarshalIndent(map[string]any{"engines": engines}, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(a.io.Out, "%s\n", b)
		return err
	}
	tw := tabwriter.NewWriter(a.io.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ENGINE\tAVAILABLE\tVERSION\tPATH\tDETAILS")
	for _, e := range engines {
		avail := "no"
		if e.Available {
			avail = "yes"
		}
		var details []string
		if e.CPU != nil {
			var feats []string
			for _, f := range []string{"AVX2", "AVX512F", "AVX512BW", "AVX512VL"} {
				feats = append(feats, fmt.Sprintf("%s=%s", f, yesNo(e.CPU[f])))
			}
			details = append(details, fmt.Sprintf("kernel %s (available: %s)", e.Kernel, strings.Join(e.Kernels, ", ")), e.Arch+" CPU: "+strings.Join(feats, " "))
		}
		if e.Source != "" {
			details = append(details, "found via "+e.Source)
		}
		if e.Note != "" {
			details = append(details, e.Note)
		}
		if e.Error != "" {
			details = append(details, e.Error)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Name, avail, dash(e.Version), dash(e.Path), strings.Join(details, "; "))
	}
	return tw.Flush()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

package main

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/klauspost/cpuid/v2"
	"github.com/spf13/cobra"

	"github.com/wtalign/wtalign/aligner"
)

// version, commit and buildDate are set at build time with
// -ldflags "-X main.version=... -X main.commit=... -X main.buildDate=..."
// (the Makefile, the release build, the container and the Bioconda recipe
// do); otherwise version and commit come from the module's build info.
var (
	version   = ""
	commit    = ""
	buildDate = "" // RFC 3339, from SOURCE_DATE_EPOCH: the commit's time, not the build's
)

func versionInfo() (v, c string) {
	v, c = version, commit
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && c == "" {
				c = s.Value
			}
		}
	}
	if v == "" {
		v = "0.1.0-dev"
	}
	if c == "" {
		c = "unknown"
	}
	return v, c
}

// buildReport is what `wtalign version --json` prints: enough to tell which
// build ran where, e.g. in a bug report or a workflow's versions file.
type buildReport struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	BuildDate string `json:"build_date,omitempty"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
	// Kernel is the SIMD kernel of the batch score pass selected on this
	// CPU (WTALIGN_KERNEL can override it), out of KernelsAvailable.
	Kernel           string   `json:"kernel"`
	KernelsAvailable []string `json:"kernels_available"`
	CPU              cpuInfo  `json:"cpu"`
	// BuildSettings are the go build settings recorded in the binary
	// (CGO_ENABLED, -trimpath, GOAMD64, -tags, ...).
	BuildSettings map[string]string `json:"build_settings"`
	MainModule    moduleInfo        `json:"main_module"`
	Modules       []moduleInfo      `json:"modules"`
}

type cpuInfo struct {
	Vendor   string   `json:"vendor"`
	Brand    string   `json:"brand"`
	Cores    int      `json:"physical_cores"`
	Threads  int      `json:"logical_cores"`
	Features []string `json:"features"` // as klauspost/cpuid names them
}

type moduleInfo struct {
	Path    string `json:"path"`
	Version string `json:"version"`
	Sum     string `json:"sum,omitempty"`
	Replace string `json:"replace,omitempty"`
}

func newBuildReport() buildReport {
	v, c := versionInfo()
	r := buildReport{
		Version: v, Commit: c, BuildDate: buildDate,
		GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
		Kernel: aligner.Kernel(), KernelsAvailable: aligner.Kernels(),
		CPU: cpuInfo{
			Vendor: cpuid.CPU.VendorString, Brand: cpuid.CPU.BrandName,
			Cores: cpuid.CPU.PhysicalCores, Threads: cpuid.CPU.LogicalCores,
			Features: cpuid.CPU.FeatureSet(),
		},
		BuildSettings: map[string]string{},
		Modules:       []moduleInfo{},
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return r
	}
	r.MainModule = toModuleInfo(&bi.Main)
	for _, m := range bi.Deps {
		r.Modules = append(r.Modules, toModuleInfo(m))
	}
	for _, s := range bi.Settings {
		r.BuildSettings[s.Key] = s.Value
	}
	return r
}

func toModuleInfo(m *debug.Module) moduleInfo {
	mi := moduleInfo{Path: m.Path, Version: m.Version, Sum: m.Sum}
	if m.Replace != nil {
		mi.Replace = m.Replace.Path + " " + m.Replace.Version
	}
	return mi
}

func newVersionCommand(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print version, commit, Go version and the SIMD kernel in use",
		Long: `Print the wtalign version, the commit it was built from, the Go version and
platform, and the SIMD kernel the aligner selected on this CPU.

The first line is always "wtalign VERSION", for workflow version files.
--json adds the CPU features seen, the build settings and the version of
every Go module compiled in, for bug reports and provenance records.` + exitHelp(exitOK, exitUsage),
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r := newBuildReport()
			if asJSON {
				enc := json.NewEncoder(a.io.Out)
				enc.SetIndent("", "  ")
				return enc.Encode(r)
			}
			_, err := fmt.Fprintf(a.io.Out, "wtalign %s\ncommit %s\n%s %s/%s\nkernel %s\n",
				r.Version, r.Commit, r.GoVersion, r.OS, r.Arch, r.Kernel)
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON document with build, CPU and module details")
	return cmd
}

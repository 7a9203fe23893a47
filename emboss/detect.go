package emboss

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// EnvWater names the environment variable Detect reads after an explicit path.
const EnvWater = "WTALIGN_WATER"

// Where Detect found water.
const (
	SourceExplicit = "explicit path"
	SourceEnv      = "$" + EnvWater
	SourcePath     = "$PATH"
)

// Water is a detected EMBOSS water executable. It is immutable and safe for
// concurrent use.
type Water struct {
	Path    string // absolute path of the executable
	Version string // EMBOSS version it reports, e.g. "6.6.0.0"
	Source  string // SourceExplicit, SourceEnv or SourcePath
}

// TestedVersion is the water version whose behaviour the native engine
// reproduces and against which parity was verified.
const TestedVersion = "6.6.0.0"

const probeTimeout = 15 * time.Second

var versionRE = regexp.MustCompile(`EMBOSS:(\d+)\.(\d+)\.(\d+)(?:\.\d+)?`)

// Detect finds water at explicitPath if it is not empty, else at
// $WTALIGN_WATER if set, else as "water" on $PATH, then checks that it runs,
// reports an EMBOSS 6.x version (water -version) and is water, not another
// EMBOSS program (water -help). It does not fall through: a bad explicit
// path or $WTALIGN_WATER is an error even if $PATH has a good water.
func Detect(explicitPath string) (*Water, error) {
	return DetectContext(context.Background(), explicitPath)
}

// DetectContext is Detect with a context for the probe processes.
func DetectContext(ctx context.Context, explicitPath string) (*Water, error) {
	name, source := explicitPath, SourceExplicit
	if name == "" {
		if env := os.Getenv(EnvWater); env != "" {
			name, source = env, SourceEnv
		} else {
			name, source = "water", SourcePath
		}
	}
	path, err := exec.LookPath(name)
	if err != nil {
		if source == SourcePath {
			return nil, fmt.Errorf("%w on $PATH (install EMBOSS, e.g. scripts/install-emboss.sh, or give its path with --water-path or $%s)", ErrNotFound, EnvWater)
		}
		return nil, fmt.Errorf("%w: %s %q: %v", ErrNotFound, source, name, err)
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	w := &Water{Path: path, Source: source}

	out, err := probe(ctx, path, "-version")
	if err != nil {
		return nil, fmt.Errorf("%w: %s (from %s): '-version' failed: %v%s", ErrNotWater, path, source, err, said(out))
	}
	m := versionRE.FindStringSubmatch(out)
	if m == nil {
		return nil, fmt.Errorf("%w: %s (from %s): '-version' printed %q, want EMBOSS:6.x", ErrNotWater, path, source, oneLine(out, 120))
	}
	if m[1] != "6" {
		return nil, fmt.Errorf("%w: %s (from %s) is EMBOSS %s; wtalign needs EMBOSS 6.x water (tested with %s)", ErrNotWater, path, source, strings.TrimPrefix(m[0], "EMBOSS:"), TestedVersion)
	}
	w.Version = strings.TrimPrefix(m[0], "EMBOSS:")

	out, err = probe(ctx, path, "-help")
	if err != nil {
		return nil, fmt.Errorf("%w: %s (from %s): '-help' failed: %v%s", ErrNotWater, path, source, err, said(out))
	}
	if !strings.Contains(out, "Smith-Waterman local alignment") {
		first, _, _ := strings.Cut(strings.TrimSpace(out), "\n")
		return nil, fmt.Errorf("%w: %s (from %s) is EMBOSS %s but not water: its -help says %q", ErrNotWater, path, source, w.Version, first)
	}
	return w, nil
}

// probe runs path with one argument and returns stdout and stderr together
// (water prints its version on stderr).
func probe(ctx context.Context, path, arg string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, arg) // #nosec G204 G702 -- runs the water binary the user chose (--water-path, $WTALIGN_WATER or $PATH) with a fixed argument; no shell is involved
	var buf tailBuffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	setProcessGroup(cmd)
	err := cmd.Run()
	if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("no answer within %v", probeTimeout)
	}
	return buf.String(), err
}

func said(out string) string {
	if s := strings.TrimSpace(out); s != "" {
		return "; it said: " + oneLine(s, 200)
	}
	return ""
}

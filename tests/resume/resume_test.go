//go:build unix

// The tests signal and stop processes (SIGTERM, SIGINT, SIGSTOP) and read
// Unix wait statuses: they run on Unix only.

package resume

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wtalign/wtalign/aligner"
	"github.com/wtalign/wtalign/manifest"
)

var (
	bin     string // the wtalign binary, built once
	repo    string // repository root
	queries string // a few thousand K-12 proteins
	small   string // a few hundred, for sharding
	ref     string
	// buildFlags build the binary as this test binary was built (noasm).
	buildFlags []string
)

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "wtalign-resume-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		repo, _ = filepath.Abs("../..")
		bin = filepath.Join(dir, "wtalign")
		build := exec.Command("go", append(append([]string{"build"}, buildFlags...), "-o", bin, "./cmd/wtalign")...)
		build.Dir = repo
		if out, err := build.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building wtalign: %v\n%s", err, out)
			return 1
		}
		ref = filepath.Join(repo, "testdata/resume/refs_marR_soxR_mgrB.faa")
		queries = filepath.Join(dir, "queries.faa")
		small = filepath.Join(dir, "small.faa")
		if err := firstRecords(filepath.Join(repo, "testdata/proteomes/GCF_000005845.2_proteins.faa"), queries, 2000); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if err := firstRecords(queries, small, 300); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return m.Run()
	}())
}

// firstRecords copies the first n FASTA records of src to dst.
func firstRecords(src, dst string, n int) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	seen := 0
	for i := 0; i < len(b); i++ {
		if b[i] == '>' && (i == 0 || b[i-1] == '\n') {
			if seen == n {
				b = b[:i]
				break
			}
			seen++
		}
	}
	if seen < n {
		return fmt.Errorf("%s has only %d records", src, seen)
	}
	return os.WriteFile(dst, b, 0o644)
}

type result struct {
	code           int
	signal         syscall.Signal // set when killed by a signal
	stdout, stderr string
}

func run(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd, out, errb := command(env, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return wait(t, cmd, out, errb)
}

func command(env []string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	return cmd, &out, &errb
}

func wait(t *testing.T, cmd *exec.Cmd, out, errb *bytes.Buffer) result {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(3 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("%v hangs", cmd.Args)
	}
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	r := result{code: ws.ExitStatus(), stdout: out.String(), stderr: errb.String()}
	if ws.Signaled() {
		r.signal = ws.Signal()
	}
	return r
}

func alignArgs(format, out, input string, extra ...string) []string {
	return append([]string{"align", "-r", ref, "--assign", "best", "-j", "2", "--format", format, "-o", out,
		"--checkpoint-every", "25", "--log-format", "json", "-q", input}, extra...)
}

// baseline runs align once, uninterrupted, and checks that every input
// record is in the output exactly once, in order.
func baseline(t *testing.T, format, input string, n int) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "base."+format)
	if r := run(t, nil, alignArgs(format, out, input)...); r.code != 0 {
		t.Fatalf("baseline run: exit %d\n%s", r.code, r.stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := ordinals(t, format, b); len(got) != n {
		t.Fatalf("baseline %s holds %d records, want %d", format, len(got), n)
	} else {
		for i, o := range got {
			if o != i {
				t.Fatalf("baseline %s: record %d has ordinal %d", format, i, o)
			}
		}
	}
	return b
}

// ordinals lists query ordinals in output order, one per input record.
func ordinals(t *testing.T, format string, b []byte) []int {
	t.Helper()
	var ords []int
	switch format {
	case "json":
		var doc struct {
			Records []struct {
				Query struct{ Ordinal int } `json:"query"`
			} `json:"records"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatalf("json output is not valid JSON: %v", err)
		}
		for _, r := range doc.Records {
			ords = append(ords, r.Query.Ordinal)
		}
	case "jsonl":
		for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			var r struct {
				Query struct{ Ordinal int } `json:"query"`
			}
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatalf("jsonl line: %v", err)
			}
			ords = append(ords, r.Query.Ordinal)
		}
	case "tsv":
		lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		if !strings.HasPrefix(lines[0], "input_file\tquery_ordinal\t") {
			t.Fatalf("tsv header: %q", lines[0])
		}
		last := -1
		for _, line := range lines[1:] {
			var o int
			fmt.Sscanf(strings.Split(line, "\t")[1], "%d", &o)
			if o != last { // rows of one record (one per mutation) are adjacent
				ords = append(ords, o)
				last = o
			}
		}
	}
	return ords
}

func loadManifest(t *testing.T, out string) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Load(out + ".manifest.json")
	if err != nil {
		t.Fatalf("manifest: %v", err)
	}
	return m
}

// TestCrashResume kills align with SIGKILL at 20 seeded points per format
// (inside record writing, right after a checkpoint fsync, between the
// manifest's temp write and rename, after that rename, before and after
// the final rename, and at arbitrary times from outside), resumes each
// time, and requires the final output to equal an uninterrupted run.
func TestCrashResume(t *testing.T) {
	const n, kills = 2000, 20
	for fi, format := range []string{"json", "jsonl", "tsv"} {
		t.Run(format, func(t *testing.T) {
			want := baseline(t, format, queries, n)
			out := filepath.Join(t.TempDir(), "run."+format)
			rng := rand.New(rand.NewSource(int64(42 + fi)))
			var log []string
			for k := 0; k < kills; k++ {
				done := 0
				if m, err := manifest.Load(out + ".manifest.json"); err == nil {
					done = m.Counts.Done
				}
				left := kills - k
				step := max(1, (n-done)/(left+1))
				var point string
				switch {
				case k == kills-2:
					point = "before-final-rename"
				case k == kills-1:
					point = "after-final-rename"
				default:
					switch rng.Intn(6) {
					case 0, 1:
						point = fmt.Sprintf("record-written:%d", 1+rng.Intn(step))
					case 2:
						point = fmt.Sprintf("checkpoint-synced:%d", 1+rng.Intn(max(1, step/25)))
					case 3:
						point = fmt.Sprintf("manifest-temp-written:%d", 1+rng.Intn(max(1, step/25)))
					case 4:
						point = fmt.Sprintf("manifest-renamed:%d", 1+rng.Intn(max(1, step/25)))
					case 5:
						point = "external"
					}
				}
				var r result
				if point == "external" {
					cmd, o, e := command(nil, alignArgs(format, out, queries)...)
					if err := cmd.Start(); err != nil {
						t.Fatal(err)
					}
					waitForProgress(out, done+1+rng.Intn(step))
					cmd.Process.Signal(syscall.SIGKILL)
					r = wait(t, cmd, o, e)
				} else {
					r = run(t, []string{manifest.CrashpointEnv + "=" + point}, alignArgs(format, out, queries)...)
				}
				log = append(log, fmt.Sprintf("%s (done %d): exit %d signal %v", point, done, r.code, r.signal))
				if r.signal != syscall.SIGKILL && r.code != 0 {
					t.Fatalf("kill %d at %s: exit %d, signal %v\n%s", k, point, r.code, r.signal, r.stderr)
				}
				// Whatever the crash, the manifest is readable and the
				// final name never holds anything but the complete output.
				if _, err := os.Stat(out + ".manifest.json"); err == nil {
					loadManifest(t, out)
				}
				if b, err := os.ReadFile(out); err == nil && !bytes.Equal(b, want) {
					t.Fatalf("after kill %d at %s the output exists but differs from the complete one", k, point)
				}
			}
			r := run(t, nil, alignArgs(format, out, queries)...)
			if r.code != 0 {
				t.Fatalf("final resume: exit %d\n%s\n%s", r.code, r.stderr, strings.Join(log, "\n"))
			}
			got, err := os.ReadFile(out)
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("resumed output differs from an uninterrupted run (%v)\n%s", err, strings.Join(log, "\n"))
			}
			m := loadManifest(t, out)
			if m.Status != manifest.StatusComplete || m.Counts.Done != n || m.Sessions < 5 {
				t.Fatalf("final manifest: status %s, done %d, sessions %d\n%s", m.Status, m.Counts.Done, m.Sessions, strings.Join(log, "\n"))
			}
			t.Logf("%d sessions:\n%s", m.Sessions, strings.Join(log, "\n"))
		})
	}
}

// waitForProgress waits until the run has checkpointed at least n records
// (or a short while), so an outside kill lands mid-run.
func waitForProgress(out string, n int) {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m, err := manifest.Load(out + ".manifest.json"); err == nil && m.Counts.Done >= n && m.Status == manifest.StatusRunning {
			return
		}
		if _, err := os.Stat(out); err == nil {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestInterruptResume stops align with SIGTERM (and once SIGINT): exit
// 143/130, manifest interrupted, `wtalign status` says so, and the resumed
// output equals an uninterrupted run.
func TestInterruptResume(t *testing.T) {
	const n = 2000
	for fi, format := range []string{"json", "jsonl", "tsv"} {
		t.Run(format, func(t *testing.T) {
			want := baseline(t, format, queries, n)
			out := filepath.Join(t.TempDir(), "run."+format)
			rng := rand.New(rand.NewSource(int64(7 + fi)))
			interrupted := 0
			for k := 0; k < 4; k++ {
				sig, code := syscall.SIGTERM, 143
				if k == 3 {
					sig, code = syscall.SIGINT, 130
				}
				done := 0
				if m, err := manifest.Load(out + ".manifest.json"); err == nil {
					done = m.Counts.Done
				}
				cmd, o, e := command(nil, alignArgs(format, out, queries)...)
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				waitForProgress(out, done+1+rng.Intn(300))
				cmd.Process.Signal(sig)
				r := wait(t, cmd, o, e)
				if r.code == 0 {
					break // finished before the signal
				}
				if r.code != code {
					t.Fatalf("%v: exit %d (signal %v), want %d\n%s", sig, r.code, r.signal, code, r.stderr)
				}
				interrupted++
				m := loadManifest(t, out)
				if m.Status != manifest.StatusInterrupted || m.Counts.Done < done {
					t.Fatalf("after %v: status %s, done %d (was %d)", sig, m.Status, m.Counts.Done, done)
				}
				st := run(t, nil, "status", "--json", out+".manifest.json")
				var sums []manifest.Progress
				if err := json.Unmarshal([]byte(st.stdout), &sums); st.code != 0 || err != nil || len(sums) != 1 ||
					sums[0].Status != manifest.StatusInterrupted || sums[0].Done != m.Counts.Done || sums[0].Stale {
					t.Fatalf("status --json: exit %d, %v, %s", st.code, err, st.stdout)
				}
				if h := run(t, nil, "status", out+".manifest.json"); h.code != 0 || !strings.Contains(h.stdout, "interrupted") ||
					!strings.Contains(h.stdout, fmt.Sprintf("%d/", m.Counts.Done)) {
					t.Fatalf("status: exit %d\n%s%s", h.code, h.stdout, h.stderr)
				}
			}
			if interrupted == 0 {
				t.Fatal("no run was interrupted")
			}
			if r := run(t, nil, alignArgs(format, out, queries)...); r.code != 0 {
				t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
			}
			if got, _ := os.ReadFile(out); !bytes.Equal(got, want) {
				t.Fatal("output resumed after SIGTERM/SIGINT differs from an uninterrupted run")
			}
			if h := run(t, nil, "status", out+".manifest.json"); !strings.Contains(h.stdout, "complete") || !strings.Contains(h.stdout, "2000/2000") {
				t.Fatalf("status of the finished run:\n%s", h.stdout)
			}
			// A rerun of the finished run does nothing and succeeds.
			before := loadManifest(t, out)
			if r := run(t, nil, alignArgs(format, out, queries)...); r.code != 0 {
				t.Fatalf("rerun of a complete run: exit %d\n%s", r.code, r.stderr)
			}
			if after := loadManifest(t, out); after.Sessions != before.Sessions {
				t.Fatal("rerun of a complete run redid the work")
			}
		})
	}
}

// TestResumeRefusedCLI: a changed input, reference or parameter is refused
// with a message naming it; --force starts over.
func TestResumeRefusedCLI(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.faa")
	b, _ := os.ReadFile(small)
	os.WriteFile(in, b, 0o644)
	out := filepath.Join(dir, "run.jsonl")
	r := run(t, []string{manifest.CrashpointEnv + "=record-written:100"}, alignArgs("jsonl", out, in)...)
	if r.signal != syscall.SIGKILL {
		t.Fatalf("crash: exit %d %v", r.code, r.signal)
	}
	for _, c := range []struct {
		name  string
		args  []string
		setup func()
		want  string
	}{
		{"parameter", alignArgs("jsonl", out, in, "--gapopen", "12"), nil, "configuration: gap_open: 10 -> 12"},
		{"input", alignArgs("jsonl", out, in), func() { os.WriteFile(in, append(b, ">extra\nMKV\n"...), 0o644) }, "input 1 (" + in + ") size"},
	} {
		if c.setup != nil {
			c.setup()
		}
		r := run(t, nil, c.args...)
		if r.code != 1 || !strings.Contains(r.stderr, c.want) || !strings.Contains(r.stderr, "--force") {
			t.Fatalf("%s changed: exit %d, want 1 with %q:\n%s", c.name, r.code, c.want, r.stderr)
		}
	}
	os.WriteFile(in, b, 0o644)
	r2 := filepath.Join(dir, "ref2.faa")
	rb, _ := os.ReadFile(ref)
	os.WriteFile(r2, append(rb, ">x|extra|y\nMKVLA\n"...), 0o644)
	args := alignArgs("jsonl", out, in)
	args[2] = r2
	if r := run(t, nil, args...); r.code != 1 || !strings.Contains(r.stderr, "reference path") {
		t.Fatalf("reference changed: exit %d\n%s", r.code, r.stderr)
	}
	want := baseline(t, "jsonl", small, 300)
	if r := run(t, nil, append(alignArgs("jsonl", out, in), "--gapopen", "10", "--force")...); r.code != 0 {
		t.Fatalf("--force: exit %d\n%s", r.code, r.stderr)
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, bytes.ReplaceAll(want, []byte(small), []byte(in))) {
		t.Fatal("--force output differs from a clean run")
	}
}

// TestLockCLI: while one run holds the output (stopped with SIGSTOP), a
// second exits 1 naming its pid; the first then finishes intact.
func TestLockCLI(t *testing.T) {
	want := baseline(t, "jsonl", small, 300)
	out := filepath.Join(t.TempDir(), "run.jsonl")
	cmd, o, e := command(nil, alignArgs("jsonl", out, small)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		if _, err := os.Stat(out + ".manifest.json"); err == nil {
			break
		}
		if i > 4000 {
			t.Fatal("first run never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGSTOP)
	r := run(t, nil, alignArgs("jsonl", out, small)...)
	cmd.Process.Signal(syscall.SIGCONT)
	if r.code != 1 || !strings.Contains(r.stderr, "locked by another run") || !strings.Contains(r.stderr, fmt.Sprintf("pid %d", cmd.Process.Pid)) {
		t.Fatalf("second run: exit %d, want 1 with a lock error naming pid %d:\n%s", r.code, cmd.Process.Pid, r.stderr)
	}
	if r1 := wait(t, cmd, o, e); r1.code != 0 {
		t.Fatalf("first run: exit %d\n%s", r1.code, r1.stderr)
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, want) {
		t.Fatal("output damaged by the locked-out run")
	}
}

// TestShardMergeCLI: for N in 1..7 the merged shards equal the unsharded
// output byte for byte; a missing or duplicated shard is an error.
func TestShardMergeCLI(t *testing.T) {
	const n = 300
	for _, format := range []string{"jsonl", "json", "tsv"} {
		want := baseline(t, format, small, n)
		sizes := []int{1, 2, 3, 4, 5, 6, 7}
		if format != "jsonl" {
			sizes = []int{2, 5}
		}
		for _, shards := range sizes {
			dir := t.TempDir()
			var outs []string
			for k := 1; k <= shards; k++ {
				o := filepath.Join(dir, fmt.Sprintf("s%d.%s", k, format))
				if r := run(t, nil, alignArgs(format, o, small, "--shard", fmt.Sprintf("%d/%d", k, shards))...); r.code != 0 {
					t.Fatalf("shard %d/%d: exit %d\n%s", k, shards, r.code, r.stderr)
				}
				outs = append(outs, o)
			}
			merged := filepath.Join(dir, "merged."+format)
			if r := run(t, nil, append([]string{"merge", "-q", "-o", merged}, outs...)...); r.code != 0 {
				t.Fatalf("%s N=%d merge: exit %d\n%s", format, shards, r.code, r.stderr)
			}
			if got, _ := os.ReadFile(merged); !bytes.Equal(got, want) {
				t.Fatalf("%s N=%d: merged output differs from the unsharded run", format, shards)
			}
			if m := loadManifest(t, merged); m.Status != manifest.StatusComplete || m.Counts.Done != n || m.Shard != "" {
				t.Fatalf("%s N=%d: merged manifest status %s done %d", format, shards, m.Status, m.Counts.Done)
			}
			if shards >= 3 {
				if r := run(t, nil, append([]string{"merge", "-o", filepath.Join(dir, "x")}, outs[1:]...)...); r.code != 1 || !strings.Contains(r.stderr, "missing shard(s) 1/") {
					t.Fatalf("missing shard: exit %d\n%s", r.code, r.stderr)
				}
				if r := run(t, nil, append([]string{"merge", "-o", filepath.Join(dir, "x")}, append(outs, outs[1])...)...); r.code != 1 || !strings.Contains(r.stderr, "given twice") {
					t.Fatalf("duplicated shard: exit %d\n%s", r.code, r.stderr)
				}
			}
		}
	}
}

// TestBinaryKernel: the binary under test runs the kernel this test binary
// would, so a -tags noasm run tests the generic build end to end.
func TestBinaryKernel(t *testing.T) {
	out, err := exec.Command(bin, "engines").CombinedOutput()
	if err != nil {
		t.Fatalf("wtalign engines: %v\n%s", err, out)
	}
	if want := "kernel " + aligner.Kernel() + " "; !strings.Contains(string(out), want) {
		t.Fatalf("the binary does not run %q:\n%s", want, out)
	}
}

package emboss

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wtalign/wtalign/aligner"
)

// fake returns a Water that runs the named script of testdata/emboss/fake.
func fake(t *testing.T, name string) *Water {
	t.Helper()
	path, err := filepath.Abs(filepath.Join(testdata, "fake", name))
	if err != nil {
		t.Fatal(err)
	}
	w, err := Detect(path)
	if err != nil {
		t.Fatalf("detect fake %s: %v", name, err)
	}
	return w
}

// TestFakeFailures: every way water can fail is detected with the right
// kind; with a fallback the batch completes through the fallback engine
// and is marked; without it Align returns the error. Temporary files are
// gone either way.
func TestFakeFailures(t *testing.T) {
	p, qs := fixtureSet(t, "marR")
	want := oracleResults(t, p, qs)
	cases := []struct {
		script string
		kind   Kind
		detail string
	}{
		{"crash", KindCrash, "signal segmentation fault"},
		{"hang", KindTimeout, "no result within"},
		{"exit1", KindExit, "Died: water terminated"},
		{"garbage", KindParse, "unexpected text"},
		{"truncated", KindTruncated, "no end marker"},
		{"fewer", KindTruncated, "2 alignments for 8 queries"},
		{"swapped", KindParse, "out of order"},
	}
	for _, c := range cases {
		for _, f := range []Format{FormatMarkx10, FormatSrspair} {
			t.Run(c.script+"/"+string(f), func(t *testing.T) {
				t.Parallel()
				w := fake(t, c.script)
				tmp := t.TempDir()
				opts := Options{Format: f, TempDir: tmp, Timeout: 300 * time.Millisecond}

				start := time.Now()
				_, err := w.AlignBatch(context.Background(), p, qs, opts)
				var be *BatchError
				if !errors.As(err, &be) || be.Kind != c.kind {
					t.Fatalf("AlignBatch: %v, want a %v BatchError", err, c.kind)
				}
				if !errors.Is(err, kindSentinel[c.kind]) {
					t.Errorf("errors.Is(err, %v) is false", kindSentinel[c.kind])
				}
				if !strings.Contains(err.Error(), c.detail) {
					t.Errorf("error %q does not say %q", err, c.detail)
				}
				if d := time.Since(start); d > 10*time.Second {
					t.Errorf("took %v", d)
				}
				emptyDir(t, tmp)

				if _, err := w.Align(context.Background(), []Task{{p, qs}}, opts); !errors.Is(err, kindSentinel[c.kind]) {
					t.Errorf("Align without fallback: %v, want %v", err, c.kind)
				}
				emptyDir(t, tmp)

				opts.Fallback = aligner.Oracle{}
				opts.BatchSize = 3
				opts.Jobs = 2
				res, err := w.Align(context.Background(), []Task{{p, qs}}, opts)
				if err != nil {
					t.Fatalf("Align with fallback: %v", err)
				}
				checkResults(t, "fallback", res[0].Results, want)
				for i, fb := range res[0].FellBack {
					if !fb {
						t.Errorf("query %d not marked as fallen back", i+1)
					}
				}
				if len(res[0].Batches) != 3 {
					t.Fatalf("%d batches, want 3", len(res[0].Batches))
				}
				for _, b := range res[0].Batches {
					if !b.FellBack || !errors.As(b.Err, &be) {
						t.Errorf("batch %+v: want FellBack and a BatchError", b)
					}
				}
				emptyDir(t, tmp)
			})
		}
	}
}

// TestCancelDoesNotFallBack: cancelling the caller's context stops water at
// once, returns the cancellation (not a water failure), never runs the
// fallback, and leaves no files.
func TestCancelDoesNotFallBack(t *testing.T) {
	p, qs := fixtureSet(t, "marR")
	w := fake(t, "hang")
	tmp := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := w.Align(ctx, []Task{{p, qs}}, Options{TempDir: tmp, Fallback: aligner.Oracle{}, Timeout: time.Minute})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want the context's deadline", err)
	}
	var be *BatchError
	if errors.As(err, &be) {
		t.Fatalf("cancellation reported as a water failure: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("cancel took %v", d)
	}
	emptyDir(t, tmp)
}

func TestInputRejected(t *testing.T) {
	p, _ := fixtureSet(t, "marR")
	w := &Water{Path: "/nonexistent/water"}
	for _, q := range []string{"", "MKV-LL", "MKV.L", "MK1V", "MK V", "MK\tV"} {
		_, err := w.AlignBatch(context.Background(), p, [][]byte{[]byte("MKV"), []byte(q)}, Options{})
		var be *BatchError
		if err == nil || errors.As(err, &be) || !strings.Contains(err.Error(), "query #2") {
			t.Errorf("query %q: err %v, want an input error naming query #2", q, err)
		}
	}
}

func TestDetect(t *testing.T) {
	fakeDir, _ := filepath.Abs(filepath.Join(testdata, "fake"))
	empty := t.TempDir()

	t.Run("not on PATH", func(t *testing.T) {
		t.Setenv("PATH", empty)
		t.Setenv(EnvWater, "")
		_, err := Detect("")
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "$PATH") {
			t.Fatalf("err %v, want ErrNotFound naming $PATH", err)
		}
	})
	t.Run("explicit path missing", func(t *testing.T) {
		_, err := Detect(filepath.Join(empty, "water"))
		if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "explicit path") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("env", func(t *testing.T) {
		t.Setenv("PATH", empty)
		t.Setenv(EnvWater, filepath.Join(fakeDir, "crash"))
		w, err := Detect("")
		if err != nil || w.Source != SourceEnv || w.Version != "6.6.0.0" || w.Path != filepath.Join(fakeDir, "crash") {
			t.Fatalf("got %+v, %v", w, err)
		}
		// An explicit path wins over the environment.
		w, err = Detect(filepath.Join(fakeDir, "hang"))
		if err != nil || w.Source != SourceExplicit || !strings.HasSuffix(w.Path, "hang") {
			t.Fatalf("got %+v, %v", w, err)
		}
	})
	t.Run("PATH", func(t *testing.T) {
		dir := t.TempDir()
		wrapper := "#!/bin/bash\nexec " + filepath.Join(fakeDir, "exit1") + ` "$@"` + "\n"
		if err := os.WriteFile(filepath.Join(dir, "water"), []byte(wrapper), 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv("PATH", dir)
		t.Setenv(EnvWater, "")
		w, err := Detect("")
		if err != nil || w.Source != SourcePath || w.Path != filepath.Join(dir, "water") {
			t.Fatalf("got %+v, %v", w, err)
		}
	})
	bad := []struct {
		env  []string
		want string
	}{
		{[]string{"FAKE_VERSION=EMBOSS:5.0.0"}, "is EMBOSS 5.0.0; wtalign needs EMBOSS 6.x"},
		{[]string{"FAKE_VERSION=water version 2.1"}, `printed "water version 2.1"`},
		{[]string{"FAKE_VERSION="}, "printed"},
		{[]string{"FAKE_HELP=Needleman-Wunsch global alignment of two sequences"}, "not water"},
	}
	for _, b := range bad {
		t.Run(b.want, func(t *testing.T) {
			for _, e := range b.env {
				k, v, _ := strings.Cut(e, "=")
				t.Setenv(k, v)
			}
			if v, ok := os.LookupEnv("FAKE_VERSION"); ok && v == "" {
				t.Setenv("FAKE_VERSION", " ") // bash ${X:-default} treats empty as unset
			}
			_, err := Detect(filepath.Join(fakeDir, "crash"))
			if !errors.Is(err, ErrNotWater) || !strings.Contains(err.Error(), b.want) {
				t.Fatalf("err %v, want ErrNotWater saying %q", err, b.want)
			}
		})
	}
	t.Run("not a program", func(t *testing.T) {
		_, err := Detect(filepath.Join(fakeDir, "common.sh")) // not executable
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("err %v, want ErrNotFound", err)
		}
		_, err = Detect("/bin/true")
		if !errors.Is(err, ErrNotWater) {
			t.Fatalf("/bin/true: err %v, want ErrNotWater", err)
		}
	})
}

// realWater returns the installed water or skips the test.
func realWater(t *testing.T) *Water {
	t.Helper()
	if _, err := exec.LookPath("water"); err != nil {
		t.Skip("EMBOSS water not installed")
	}
	w, err := Detect("")
	if err != nil {
		t.Fatal(err)
	}
	return w
}

package output

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/wtalign/wtalign/manifest"
)

// fullDisk fails with ENOSPC once room bytes are written, like a full disk.
type fullDisk struct {
	w    io.Writer
	room int
}

func (d *fullDisk) Write(p []byte) (int, error) {
	if len(p) > d.room {
		n, _ := d.w.Write(p[:d.room])
		d.room = 0
		return n, &os.PathError{Op: "write", Path: "partial", Err: syscall.ENOSPC}
	}
	d.room -= len(p)
	return d.w.Write(p)
}

// TestFullDiskInjected fills the "disk" mid-run: the error names the
// problem, the run is marked failed, and once space is back it resumes to
// the same output as an undisturbed run.
func TestFullDiskInjected(t *testing.T) {
	gs := healed(synth(200))
	for _, f := range RecordFormats {
		want := runAll(t, newEnv(t, f).opts(f), gs)
		e := newEnv(t, f)
		opt := e.opts(f)
		writeHook = func(w io.Writer) io.Writer { return &fullDisk{w: w, room: 50_000} }
		w, err := Open(opt)
		if err != nil {
			t.Fatal(err)
		}
		var werr error
		for o := 0; o < len(gs) && werr == nil; o++ {
			werr = w.Write(o, gs[o].rec, gs[o].outcome)
		}
		writeHook = func(w io.Writer) io.Writer { return w }
		if werr == nil || !errors.Is(werr, syscall.ENOSPC) || !strings.Contains(werr.Error(), "disk full") {
			t.Fatalf("%s: write error %v, want ENOSPC with a hint", f, werr)
		}
		if err := w.Write(w.NextOrdinal(), gs[0].rec, Outcome{}); err == nil {
			t.Fatal("writer accepted records after a write error")
		}
		if err := w.Abort(werr); err != nil {
			t.Fatal(err)
		}
		m, err := manifest.Load(e.out + ".manifest.json")
		if err != nil || m.Status != manifest.StatusFailed || !strings.Contains(m.Error, "no space left") || m.Counts.Done == 0 {
			t.Fatalf("%s: manifest after full disk: %+v %v", f, m, err)
		}
		if got := runAll(t, opt, gs); !bytes.Equal(got, want) {
			t.Fatalf("%s: output resumed after a full disk differs", f)
		}
	}
}

// TestFullDiskTmpfs does the same on a real 128 KiB tmpfs (root only).
func TestFullDiskTmpfs(t *testing.T) {
	dir := t.TempDir()
	mnt := filepath.Join(dir, "mnt")
	os.Mkdir(mnt, 0o755)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	gs := healed(synth(400))
	want := runAll(t, newEnv(t, JSONL).opts(JSONL), gs)
	e := newEnv(t, JSONL)
	opt := e.opts(JSONL)
	opt.Out = filepath.Join(mnt, "out.jsonl")
	w, err := Open(opt)
	if err != nil {
		t.Fatal(err)
	}
	var werr error
	for o := 0; o < len(gs) && werr == nil; o++ {
		werr = w.Write(o, gs[o].rec, gs[o].outcome)
	}
	if werr == nil {
		werr = w.Finish()
	}
	if !errors.Is(werr, syscall.ENOSPC) || !strings.Contains(werr.Error(), mnt) {
		t.Fatalf("write error %v: want ENOSPC naming a file under %s", werr, mnt)
	}
	w.Abort(werr) // the manifest may not fit either; the old one stays valid
	if w, err := Open(opt); err == nil {
		w.Abort(errors.New("still full")) // resuming on a full disk may start, and fails again later
	}
	if out, err := exec.Command("mount", "-o", "remount,size=8m", mnt).CombinedOutput(); err != nil {
		t.Fatalf("remount: %v %s", err, out)
	}
	w, err = Open(opt)
	if err != nil {
		t.Fatalf("resume after freeing space: %v", err)
	}
	if w.NextOrdinal() == 0 {
		t.Error("nothing kept from before the disk filled")
	}
	writeFrom(t, w, gs, len(gs))
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, opt.Out); !bytes.Equal(got, want) {
		t.Fatal("output resumed after a full tmpfs differs")
	}
}

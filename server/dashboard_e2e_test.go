package server_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wtalign/wtalign/api"
	"github.com/wtalign/wtalign/client"
)

// chromium runs headless Chromium on url and returns the DOM after its
// scripts ran and the console lines it logged.
func chromium(t *testing.T, url string, extra ...string) (dom string, console []string) {
	t.Helper()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000"}, extra...)
	args = append(args, url)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/usr/bin/chromium", args...)
	var out, errb lockedBuf
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, errb.String())
	}
	for _, line := range strings.Split(errb.String(), "\n") {
		if strings.Contains(line, ":CONSOLE") {
			console = append(console, line)
		}
	}
	return out.String(), console
}

var rowRe = regexp.MustCompile(`<tr data-id="([a-z2-7]{16})">.*?</tr>`)

// progressOf is the "done/total" text of job id's row.
func progressOf(dom, id string) string {
	for _, m := range rowRe.FindAllStringSubmatch(dom, -1) {
		if m[1] == id {
			if d := regexp.MustCompile(`<span class="done">([^<]*)</span>`).FindStringSubmatch(m[0]); d != nil {
				return d[1]
			}
		}
	}
	return ""
}

// TestE2EDashboardChromium loads the dashboard in headless Chromium: no
// console errors, the submitted jobs listed, the running job's progress
// changing between two loads; a screenshot goes to the test's temp dir.
func TestE2EDashboardChromium(t *testing.T) {
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		t.Skip("Debian chromium not installed")
	}
	data := t.TempDir()
	tok := addToken(t, data, "alice", "submit")
	d := startDaemon(t, data)
	c, _ := client.New(d.url, tok)
	ctx := context.Background()
	done, err := c.Submit(ctx, client.SubmitRequest{SubmitRequest: api.SubmitRequest{Label: "demo variants"},
		Queries: []client.Upload{client.FileUpload(variantsPath)}, Reference: ptr(client.FileUpload(refPath))})
	if err != nil {
		t.Fatal(err)
	}
	waitJob(t, c, done.ID, final)
	// The proteome ten times over on one thread: about half a minute, so
	// that it is still running across two Chromium loads (it is cancelled
	// at the end); the proteome once takes about as long as Chromium starts.
	long, err := c.Submit(ctx, client.SubmitRequest{SubmitRequest: api.SubmitRequest{Label: "K-12 proteome", Params: map[string]any{"checkpoint-every": 20, "threads": 1}},
		Queries: []client.Upload{client.FileUpload(repeatedProteome(t, 10))}, Reference: ptr(client.FileUpload(refPath))})
	if err != nil {
		t.Fatal(err)
	}
	waitJob(t, c, long.ID, func(j *api.Job) bool { return j.State == api.Running && j.Progress.Done > 0 })
	url := d.url + "/#token=" + tok
	dom1, console := chromium(t, url, "--dump-dom")
	if len(console) > 0 {
		t.Errorf("console messages:\n%s", strings.Join(console, "\n"))
	}
	for _, want := range []string{done.ID, long.ID, "COMPLETE", "RUNNING", "demo variants", "K-12 proteome", "27/27", "/v1/jobs/" + done.ID + "/results"} {
		if !strings.Contains(dom1, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	if m := regexp.MustCompile(`data-updates="(\d+)"`).FindStringSubmatch(dom1); m == nil || m[1] == "0" {
		t.Errorf("the script did not refresh the table (data-updates %v)", m)
	}
	p1 := progressOf(dom1, long.ID)
	waitJob(t, c, long.ID, func(j *api.Job) bool {
		return j.State.Final() || p1 != "" && !strings.HasPrefix(p1, itoa(j.Progress.Done)+"/")
	})
	shot := filepath.Join(t.TempDir(), "shot.png")
	dom2, console := chromium(t, url, "--dump-dom", "--window-size=1400,900")
	p2 := progressOf(dom2, long.ID)
	if p1 == "" || p2 == "" || p1 == p2 {
		t.Errorf("running job's progress: %q then %q, want two different values", p1, p2)
	}
	if len(console) > 0 {
		t.Errorf("console messages:\n%s", strings.Join(console, "\n"))
	}
	chromium(t, url, "--screenshot="+shot, "--window-size=1400,900")
	if st, err := os.Stat(shot); err != nil || st.Size() < 1000 {
		t.Errorf("screenshot: %v", err)
	}
	if keep := os.Getenv("WTALIGN_KEEP_SCREENSHOT"); keep != "" {
		b, _ := os.ReadFile(shot)
		os.WriteFile(keep, b, 0o644)
	}
	t.Logf("progress %s -> %s; screenshot %s", p1, p2, shot)
	c.Cancel(ctx, long.ID)
}

func itoa(n int) string { return strconv.Itoa(n) }

// repeatedProteome writes the K-12 proteome n times, the IDs of copy k
// suffixed _k so that they stay unique.
func repeatedProteome(t *testing.T, n int) string {
	t.Helper()
	b, err := os.ReadFile(proteomePath)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for k := 1; k <= n; k++ {
		for _, line := range bytes.SplitAfter(b, []byte("\n")) {
			if len(line) > 0 && line[0] == '>' {
				id, rest, _ := bytes.Cut(line[1:], []byte(" "))
				fmt.Fprintf(&out, ">%s_%d %s", bytes.TrimRight(id, "\n"), k, rest)
				if len(rest) == 0 {
					out.WriteByte('\n')
				}
				continue
			}
			out.Write(line)
		}
	}
	p := filepath.Join(t.TempDir(), "k12_x10.faa")
	if err := os.WriteFile(p, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

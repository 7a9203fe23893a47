package server_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wtalign/wtalign/api"
	"github.com/wtalign/wtalign/client"
)

// TestE2ELoad is the bounded load test (skipped with -short): 20
// concurrent clients submit 200 small jobs in all and poll them to the
// end on loopback. Every job must complete; it reports status latency
// p50/p99 and the server's peak RSS (a measurement, not an assertion).
//
//	go test -run TestE2ELoad -v ./server/
func TestE2ELoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: run without -short")
	}
	const clients, jobsEach = 20, 10
	data := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "server.yaml")
	os.WriteFile(cfg, []byte("cpus: 2\njob-threads: 1\nlimits:\n  requests-per-second: 1000\n  burst: 1000\n  max-queued-per-owner: 1000\n"), 0o644)
	var tokens []string
	for i := range clients {
		tokens = append(tokens, addToken(t, data, fmt.Sprintf("lab%02d", i), "submit"))
	}
	d := startDaemon(t, data, "--config", cfg)
	var mu sync.Mutex
	var lat []time.Duration
	var failures []string
	start := time.Now()
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func(tok string) {
			defer wg.Done()
			c, _ := client.New(d.url, tok)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			var ids []string
			for range jobsEach {
				res, err := c.Submit(ctx, client.SubmitRequest{Queries: []client.Upload{client.FileUpload(variantsPath)}, Reference: ptr(client.FileUpload(refPath))})
				if err != nil {
					mu.Lock()
					failures = append(failures, err.Error())
					mu.Unlock()
					return
				}
				ids = append(ids, res.ID)
			}
			for _, id := range ids {
				for {
					t0 := time.Now()
					j, err := c.Job(ctx, id)
					el := time.Since(t0)
					mu.Lock()
					lat = append(lat, el)
					mu.Unlock()
					if err != nil {
						mu.Lock()
						failures = append(failures, err.Error())
						mu.Unlock()
						return
					}
					if j.State.Final() {
						if j.State != api.Complete || j.Counts.Done != 27 {
							mu.Lock()
							failures = append(failures, fmt.Sprintf("%s: %s %d", id, j.State, j.Counts.Done))
							mu.Unlock()
						}
						break
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
		}(tokens[i])
	}
	wg.Wait()
	wall := time.Since(start)
	if len(failures) > 0 {
		t.Fatalf("%d failures, first: %s", len(failures), failures[0])
	}
	ents, _ := os.ReadDir(filepath.Join(data, "jobs"))
	if len(ents) != clients*jobsEach {
		t.Errorf("%d job directories, want %d", len(ents), clients*jobsEach)
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
	status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", d.cmd.Process.Pid))
	hwm := ""
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			hwm = strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	t.Logf("load: %d clients, %d jobs complete in %s (%.1f jobs/s); %d status requests: p50 %s, p99 %s, max %s; server peak RSS %s",
		clients, clients*jobsEach, wall.Round(time.Millisecond), float64(clients*jobsEach)/wall.Seconds(), len(lat),
		pct(0.50).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond), hwm)
}

package server

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/wtalign/wtalign/api"
)

// TestSchedulerFairAcrossOwners: with two one-thread slots held by
// alice (through two tokens of hers), a freed slot goes to bob's job
// though alice queued hers first, and alice's second token does not
// double her share. Jobs never hold more threads than cpus together.
// The jobs run until the test cancels them, so the order is decided by
// the test, not by timing.
func TestSchedulerFairAcrossOwners(t *testing.T) {
	var laptop string // alice's second token
	ts := newTestServer(t, func(c *Config) {
		c.CPUs, c.JobThreads = 2, 1
		c.TokensFile = filepath.Join(c.DataDir, "tokens.yaml")
		var err error
		if laptop, _, err = AddToken(c.TokensFile, "alice-laptop", api.RoleSubmit, "alice"); err != nil {
			t.Fatal(err)
		}
	})
	ts.tokens["alice-laptop"] = laptop
	// ten copies of the proteome: some 30 s of one thread, ended by
	// cancel long before
	long := []part{{"reference", "ref.faa", fileBody(t, demoRef)}}
	for k := range 10 {
		long = append(long, part{"query", fmt.Sprintf("k12_%d.faa", k), fileBody(t, proteome)})
	}
	started := func(j api.Job) bool { return j.StartedAt != nil }
	checkBudget := func(when string) {
		t.Helper()
		ts.s.smu.Lock()
		inUse := ts.s.inUse
		ts.s.smu.Unlock()
		if inUse > ts.cfg.CPUs {
			t.Errorf("%s: %d threads in use, budget %d", when, inUse, ts.cfg.CPUs)
		}
	}
	cancel := func(token, id string) {
		t.Helper()
		if r, b := ts.do("POST", "/v1/jobs/"+id+":cancel", token, "", nil); r.StatusCode != 202 {
			t.Fatalf("cancel %s: %d %s", id, r.StatusCode, b)
		}
		if j := ts.wait(token, id, nil); j.State != api.Canceled {
			t.Fatalf("job %s ended %s, want CANCELED (too short to hold its slot?)", id, j.State)
		}
	}

	a1 := ts.mustSubmit("alice", long)
	a2 := ts.mustSubmit("alice-laptop", long)
	ts.wait("alice", a1, started)
	ts.wait("alice", a2, started)
	checkBudget("alice holds both slots")
	a3 := ts.mustSubmit("alice", long)
	b1 := ts.mustSubmit("bob", long)
	for _, q := range []struct{ token, id string }{{"alice", a3}, {"bob", b1}} {
		if j := ts.job(q.token, q.id); j.State != api.Queued {
			t.Fatalf("job %s is %s with both slots held, want QUEUED", q.id, j.State)
		}
	}

	// One slot frees: FIFO would start a3, fairness per token would too
	// (the token alice has nothing running); per owner, bob runs nothing.
	cancel("alice", a1)
	ts.wait("bob", b1, func(j api.Job) bool { return started(j) || started(ts.job("alice", a3)) })
	if j := ts.job("alice", a3); started(j) {
		t.Fatalf("alice's queued job took the freed slot before bob's (state %s): the pick is not fair across owners", j.State)
	}
	checkBudget("bob took the freed slot")
	cancel("alice-laptop", a2)
	ts.wait("alice", a3, started)
	checkBudget("alice's last job started")
	cancel("bob", b1)
	cancel("alice", a3)

	// Start order and concurrency from the jobs' own times: StartedAt and
	// EndedAt lie inside the span the scheduler counts the job's threads.
	type span struct {
		id         string
		start, end time.Time
		threads    int
	}
	var spans []span
	for _, q := range []struct{ token, id string }{{"alice", a1}, {"alice", a2}, {"alice", a3}, {"bob", b1}} {
		j := ts.job(q.token, q.id)
		if j.StartedAt == nil || j.EndedAt == nil {
			t.Fatalf("job %s: started %v, ended %v", q.id, j.StartedAt, j.EndedAt)
		}
		spans = append(spans, span{q.id, *j.StartedAt, *j.EndedAt, j.Threads})
	}
	slices.SortFunc(spans, func(x, y span) int { return x.start.Compare(y.start) })
	var order []string
	for _, s := range spans {
		order = append(order, s.id)
		threads := 0
		for _, o := range spans { // running at s.start
			if !o.start.After(s.start) && o.end.After(s.start) {
				threads += o.threads
			}
		}
		if threads > ts.cfg.CPUs {
			t.Errorf("when %s started, running jobs held %d threads, budget %d", s.id, threads, ts.cfg.CPUs)
		}
	}
	if want := []string{b1, a3}; !slices.Equal(order[2:], want) {
		t.Errorf("start order %v: after alice's first two, want bob's %s before alice's %s", order, b1, a3)
	}
}

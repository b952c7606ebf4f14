//go:build integration

package integration_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/talabin/talabin/integration/workload"
)

const (
	crashUsers   = 50
	envCrashDSN  = "TALABIN_CRASH_CHILD_DSN"
	envCrashRun  = "TALABIN_CRASH_CHILD_RUN"
	envCrashKill = "TALABIN_CRASH_POINTS"
)

// TestCrash kills a process running the ledger load against PostgreSQL with SIGKILL at random
// points (5 in `make test`, TALABIN_CRASH_POINTS=20 in `make test-soak`). After every kill
// the ledger must verify and every operation the child acknowledged (reported after its
// commit returned) must be in the database.
func TestCrash(t *testing.T) {
	points := 5
	if v := os.Getenv(envCrashKill); v != "" {
		var err error
		points, err = strconv.Atoi(v)
		require.NoError(t, err, envCrashKill)
	}
	dsn := newPostgresDSN(t)
	setup := openPostgres(t, dsn)
	_, err := workload.Setup(t.Context(), setup, crashUsers, 1_000_000_000_000)
	require.NoError(t, err)
	require.NoError(t, setup.Close())

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	total := 0
	for point := range points {
		delay := time.Duration(200+rng.IntN(1300)) * time.Millisecond
		acked := runChildUntilKilled(t, dsn, fmt.Sprintf("crash%d", point), delay)
		store := openPostgres(t, dsn)
		requireVerified(t, store)
		require.NoError(t, store.Close())
		requireJournalsPresent(t, dsn, acked)
		total += len(acked)
		t.Logf("kill %d after %s: %d acknowledged operations all present", point+1, delay, len(acked))
	}
	require.Positive(t, total, "the child never acknowledged an operation")
}

// runChildUntilKilled starts this test binary as a load child, kills it with SIGKILL after
// delay and returns the references it acknowledged.
func runChildUntilKilled(t *testing.T, dsn, runID string, delay time.Duration) []string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envCrashDSN+"="+dsn, envCrashRun+"="+runID)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())

	var mu sync.Mutex
	var acked []string
	firstAck := make(chan struct{})
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(stdout)
		once := sync.Once{}
		for sc.Scan() {
			if ref, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
				mu.Lock()
				acked = append(acked, ref)
				mu.Unlock()
				once.Do(func() { close(firstAck) })
			}
		}
	}()
	// Kill only once the load runs, so every kill lands mid-traffic.
	select {
	case <-firstAck:
	case <-time.After(30 * time.Second):
		t.Fatal("the load child acknowledged nothing within 30 s")
	}
	time.Sleep(delay)
	require.NoError(t, cmd.Process.Kill())
	<-readDone
	_ = cmd.Wait() // killed: the error is expected
	mu.Lock()
	defer mu.Unlock()
	return acked
}

// TestCrashChild is the load child of TestCrash; it does nothing unless started by it.
func TestCrashChild(t *testing.T) {
	dsn := os.Getenv(envCrashDSN)
	if dsn == "" {
		t.Skip("run by TestCrash")
	}
	store := openPostgres(t, dsn)
	bank, err := workload.Attach(t.Context(), store, crashUsers)
	require.NoError(t, err)
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	bank.Run(t.Context(), workload.Config{
		Workers: 16, Duration: time.Minute, Seed: uint64(time.Now().UnixNano()), RunID: os.Getenv(envCrashRun),
		OnAck: func(ref string) {
			mu.Lock()
			defer mu.Unlock()
			_, _ = out.WriteString("ack " + ref + "\n")
			_ = out.Flush()
		},
	})
}

func requireJournalsPresent(t *testing.T, dsn string, refs []string) {
	t.Helper()
	if len(refs) == 0 {
		return
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer func() { _ = conn.Close(ctx) }()
	rows, err := conn.Query(ctx, `SELECT DISTINCT reference FROM ledger_journals WHERE reference = ANY($1)`, refs)
	require.NoError(t, err)
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	have := make(map[string]bool, len(found))
	for _, r := range found {
		have[r] = true
	}
	var missing []string
	for _, r := range refs {
		if !have[r] {
			missing = append(missing, r)
		}
	}
	require.Empty(t, missing, "acknowledged operations missing after the crash")
}

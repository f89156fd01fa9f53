package db

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// openTemp opens a new store in a temporary directory and closes it when the
// test ends. Tests skip fsync; the crash test runs with it.
func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gnos.db")
	return reopen(t, nil, path), path
}

// reopen closes s (when not nil) and opens path again.
func reopen(t testing.TB, s *Store, path string) *Store {
	t.Helper()
	if s != nil {
		if err := s.Close(); err != nil {
			t.Fatalf("Close: got error %v, want nil", err)
		}
	}
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatalf("Open: got error %v, want nil", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func mustCommit(t testing.TB, s *Store, d Delta, m RevisionMeta) uint64 {
	t.Helper()
	seq, err := s.Commit(d, m, nil)
	if err != nil {
		t.Fatalf("Commit: got error %v, want nil", err)
	}
	return seq
}

// chunks builds a chunk map from key, text pairs.
func chunks(kv ...string) map[string][]byte {
	m := map[string][]byte{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = []byte(kv[i+1])
	}
	return m
}

// chunkDiff describes how got differs from want, or returns "".
func chunkDiff(got, want map[string][]byte) string {
	var diffs []string
	for _, k := range slices.Sorted(maps.Keys(want)) {
		g, ok := got[k]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%q missing, want %.40q", k, want[k]))
		case !sameChunk(g, want[k]):
			diffs = append(diffs, fmt.Sprintf("%q = %.40q, want %.40q", k, g, want[k]))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%q = %.40q, want absent", k, got[k]))
		}
	}
	return strings.Join(diffs, "; ")
}

// apply returns base with delta applied (nil deletes).
func apply(base map[string][]byte, d Delta) map[string][]byte {
	out := maps.Clone(base)
	if out == nil {
		out = map[string][]byte{}
	}
	for k, v := range d {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

func TestCommitRollback(t *testing.T) {
	tests := []struct {
		name     string
		commits  []Delta
		rollback int
		want     map[string][]byte
		wantErr  error
	}{
		{name: "first commit", commits: []Delta{{"a": []byte("1")}}, rollback: 0, want: chunks("a", "1")},
		{name: "changed chunk rolls back", commits: []Delta{{"a": []byte("1"), "b": []byte("x")}, {"a": []byte("2")}},
			rollback: 1, want: chunks("a", "1", "b", "x")},
		{name: "deleted chunk", commits: []Delta{{"a": []byte("1"), "b": []byte("x")}, {"a": nil}},
			rollback: 0, want: chunks("b", "x")},
		{name: "deleted chunk comes back", commits: []Delta{{"a": []byte("1"), "b": []byte("x")}, {"a": nil}},
			rollback: 1, want: chunks("a", "1", "b", "x")},
		{name: "re-created chunk", commits: []Delta{{"a": []byte("1")}, {"a": nil}, {"a": []byte("3")}},
			rollback: 0, want: chunks("a", "3")},
		{name: "revision where chunk was deleted", commits: []Delta{{"a": []byte("1"), "b": []byte("x")}, {"a": nil}, {"a": []byte("3")}},
			rollback: 1, want: chunks("b", "x")},
		{name: "revision before deletion", commits: []Delta{{"a": []byte("1")}, {"a": nil}, {"a": []byte("3")}},
			rollback: 2, want: chunks("a", "1")},
		{name: "chunk changed twice", commits: []Delta{{"a": []byte("1")}, {"a": []byte("2")}, {"a": []byte("3")}},
			rollback: 2, want: chunks("a", "1")},
		{name: "chunk created after target is absent", commits: []Delta{{"a": []byte("1")}, {"b": []byte("2")}, {"b": []byte("3")}},
			rollback: 2, want: chunks("a", "1")},
		{name: "deleting an absent chunk changes nothing", commits: []Delta{{"a": []byte("1")}, {"z": nil}},
			rollback: 1, want: chunks("a", "1")},
		{name: "empty commit keeps chunks", commits: []Delta{{"a": []byte("1")}, {}},
			rollback: 0, want: chunks("a", "1")},
		{name: "empty commit is a revision", commits: []Delta{{"a": []byte("1")}, {}, {"a": []byte("2")}},
			rollback: 2, want: chunks("a", "1")},
		{name: "empty text is not deleted", commits: []Delta{{"a": {}}, {"a": nil}},
			rollback: 1, want: chunks("a", "")},
		{name: "rollback beyond history", commits: []Delta{{"a": []byte("1")}}, rollback: 1, wantErr: ErrNotFound},
		{name: "rollback before any commit", commits: nil, rollback: 0, wantErr: ErrNotFound},
		{name: "negative rollback", commits: []Delta{{"a": []byte("1")}}, rollback: -1, wantErr: ErrNotFound},
		{name: "rollback 50", commits: []Delta{{"a": []byte("1")}}, rollback: 50, wantErr: ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, path := openTemp(t)
			for i, d := range tt.commits {
				if got := mustCommit(t, s, d, RevisionMeta{Comment: fmt.Sprint(i)}); got != uint64(i+1) {
					t.Fatalf("commit %d: got seq %d, want %d", i, got, i+1)
				}
			}
			// Check before and after a reopen: the answer comes from the file.
			for pass := range 2 {
				if pass == 1 {
					s = reopen(t, s, path)
				}
				got, meta, err := s.Rollback(tt.rollback)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Rollback(%d): got error %v, want %v", tt.rollback, err, tt.wantErr)
				}
				if tt.wantErr != nil {
					if _, _, err := s.RollbackDelta(tt.rollback); !errors.Is(err, tt.wantErr) {
						t.Fatalf("RollbackDelta(%d): got error %v, want %v", tt.rollback, err, tt.wantErr)
					}
					continue
				}
				if d := chunkDiff(got, tt.want); d != "" {
					t.Errorf("Rollback(%d): %s", tt.rollback, d)
				}
				if want := fmt.Sprint(len(tt.commits) - 1 - tt.rollback); meta.Comment != want {
					t.Errorf("Rollback(%d): got comment %q, want %q", tt.rollback, meta.Comment, want)
				}
				delta, _, err := s.RollbackDelta(tt.rollback)
				if err != nil {
					t.Fatalf("RollbackDelta(%d): got error %v, want nil", tt.rollback, err)
				}
				committed, _, err := s.Committed()
				if err != nil {
					t.Fatalf("Committed: got error %v, want nil", err)
				}
				if d := chunkDiff(apply(committed, delta), tt.want); d != "" {
					t.Errorf("committed + RollbackDelta(%d): %s", tt.rollback, d)
				}
			}
		})
	}
}

// TestRollbackModel commits random deltas and checks every kept revision
// against a model of what was committed, reopening the store on the way.
func TestRollbackModel(t *testing.T) {
	s, path := openTemp(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var model []map[string][]byte // model[i] = configuration after commit i+1
	cur := map[string][]byte{}
	for i := range 80 {
		d := randomDelta(rng, cur)
		mustCommit(t, s, d, RevisionMeta{User: fmt.Sprint("u", i)})
		cur = apply(cur, d)
		model = append(model, cur)
		if i%30 == 29 {
			s = reopen(t, s, path)
		}
		// Every kept revision every fifth commit, else the newest, the next
		// and the oldest.
		for n := 0; n <= min(i, MaxRollback); n++ {
			if i%5 != 0 && n > 1 && n < min(i, MaxRollback) {
				continue
			}
			want := model[i-n]
			got, meta, err := s.Rollback(n)
			if err != nil {
				t.Fatalf("after commit %d: Rollback(%d): got error %v, want nil", i+1, n, err)
			}
			if d := chunkDiff(got, want); d != "" {
				t.Fatalf("after commit %d: Rollback(%d): %s", i+1, n, d)
			}
			if wantSeq := uint64(i + 1 - n); meta.Seq != wantSeq {
				t.Fatalf("after commit %d: Rollback(%d): got seq %d, want %d", i+1, n, meta.Seq, wantSeq)
			}
			delta, _, err := s.RollbackDelta(n)
			if err != nil {
				t.Fatalf("after commit %d: RollbackDelta(%d): got error %v, want nil", i+1, n, err)
			}
			for k, v := range delta {
				if c, ok := cur[k]; sameChunk(v, c) || (v == nil && !ok) {
					t.Fatalf("after commit %d: RollbackDelta(%d) holds unchanged chunk %q", i+1, n, k)
				}
			}
			if d := chunkDiff(apply(cur, delta), want); d != "" {
				t.Fatalf("after commit %d: committed + RollbackDelta(%d): %s", i+1, n, d)
			}
		}
		if _, _, err := s.Rollback(min(i+1, MaxRollback+1)); !errors.Is(err, ErrNotFound) {
			t.Fatalf("after commit %d: Rollback(%d): got error %v, want ErrNotFound", i+1, min(i+1, 50), err)
		}
	}
}

// randomDelta changes a few chunks of cur among 30 keys: new text, empty
// text, deletion, deletion of an absent chunk, or the same text again.
func randomDelta(rng *rand.Rand, cur map[string][]byte) Delta {
	d := Delta{}
	for range rng.IntN(5) {
		k := fmt.Sprintf("k%02d", rng.IntN(30))
		switch rng.IntN(5) {
		case 0, 1:
			d[k] = fmt.Appendf(nil, "text %d %s", rng.Uint32(), strings.Repeat("x", rng.IntN(3000)))
		case 2:
			d[k] = []byte{}
		case 3:
			d[k] = nil
		case 4:
			if v, ok := cur[k]; ok {
				d[k] = v
			}
		}
	}
	return d
}

func TestHistoryKeepsFiftyRevisions(t *testing.T) {
	s, path := openTemp(t)
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	metaOf := func(seq uint64) RevisionMeta {
		m := RevisionMeta{
			Seq: seq, Time: base.Add(time.Duration(seq) * time.Minute),
			User: fmt.Sprint("user", seq), Client: ClientCLI, Comment: fmt.Sprint("commit ", seq),
		}
		if seq%2 == 0 {
			m.Client = ClientNETCONF
			m.ConfirmDeadline = m.Time.Add(10 * time.Minute)
		}
		return m
	}
	for seq := uint64(1); seq <= 51; seq++ {
		m := metaOf(seq)
		m.Seq = 0 // assigned by Commit
		mustCommit(t, s, Delta{"c": fmt.Append(nil, seq)}, m)
	}
	s = reopen(t, s, path)

	hist, err := s.History()
	if err != nil {
		t.Fatalf("History: got error %v, want nil", err)
	}
	if len(hist) != MaxRollback+1 {
		t.Fatalf("History: got %d revisions, want %d", len(hist), MaxRollback+1)
	}
	for n, got := range hist {
		if want := metaOf(uint64(51 - n)); !metaEqual(got, want) {
			t.Errorf("History[%d]: got %+v, want %+v", n, got, want)
		}
	}
	tests := []struct {
		name    string
		n       int
		wantSeq uint64
		wantErr error
	}{
		{name: "rollback 0", n: 0, wantSeq: 51},
		{name: "rollback 1", n: 1, wantSeq: 50},
		{name: "rollback 49", n: 49, wantSeq: 2},
		{name: "rollback 50", n: 50, wantErr: ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, meta, err := s.Rollback(tt.n)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("got error %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if want := metaOf(tt.wantSeq); !metaEqual(meta, want) {
				t.Errorf("got meta %+v, want %+v", meta, want)
			}
			if d := chunkDiff(got, chunks("c", fmt.Sprint(tt.wantSeq))); d != "" {
				t.Errorf("got chunks: %s", d)
			}
		})
	}
	// Nothing beyond the window stays in the file.
	counts := map[string]int{}
	if err := s.bolt.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketRevisions, bucketUndo} {
			counts[string(name)] = tx.Bucket(name).Stats().KeyN
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"revisions": 50, "undo": 49}; !reflect.DeepEqual(counts, want) {
		t.Errorf("records kept: got %v, want %v", counts, want)
	}
}

func TestCommittedMeta(t *testing.T) {
	s, _ := openTemp(t)
	got, meta, err := s.Committed()
	if err != nil || len(got) != 0 || meta != (RevisionMeta{}) {
		t.Fatalf("fresh store: got %d chunks, meta %+v, error %v, want 0, zero, nil", len(got), meta, err)
	}
	if hist, err := s.History(); err != nil || len(hist) != 0 {
		t.Fatalf("fresh store: got history %v, error %v, want empty, nil", hist, err)
	}
	when := time.Date(2025, 2, 3, 4, 5, 6, 0, time.UTC)
	seq := mustCommit(t, s, Delta{"a": []byte("1")}, RevisionMeta{Seq: 99, Time: when, User: "lab", Client: ClientCLI})
	_, meta, err = s.Committed()
	if err != nil {
		t.Fatal(err)
	}
	if want := (RevisionMeta{Seq: 1, Time: when, User: "lab", Client: ClientCLI}); seq != 1 || !metaEqual(meta, want) {
		t.Errorf("got seq %d, meta %+v, want 1, %+v", seq, meta, want)
	}
}

func TestCandidatePersists(t *testing.T) {
	top := t
	s, path := openTemp(t)
	mustCommit(t, s, Delta{"a": []byte("1"), "b": []byte("2")}, RevisionMeta{})
	steps := []struct {
		name  string
		do    func(*Store) error
		want  Delta
		wantE error
	}{
		{name: "starts empty", do: func(*Store) error { return nil }, want: Delta{}},
		{name: "set, delete and empty text", do: func(s *Store) error {
			return s.UpdateCandidate(Delta{"a": []byte("9"), "b": nil, "c": {}}, nil)
		}, want: Delta{"a": []byte("9"), "b": nil, "c": {}}},
		{name: "reset one key", do: func(s *Store) error {
			return s.UpdateCandidate(nil, []string{"a", "never-set"})
		}, want: Delta{"b": nil, "c": {}}},
		{name: "key both set and reset", do: func(s *Store) error {
			return s.UpdateCandidate(Delta{"a": []byte("x")}, []string{"a"})
		}, want: Delta{"b": nil, "c": {}}, wantE: ErrInvalid},
		{name: "empty key", do: func(s *Store) error {
			return s.UpdateCandidate(Delta{"": []byte("x")}, nil)
		}, want: Delta{"b": nil, "c": {}}, wantE: ErrInvalid},
		{name: "clear", do: (*Store).ClearCandidate, want: Delta{}},
		{name: "commit clears", do: func(s *Store) error {
			if err := s.UpdateCandidate(Delta{"a": []byte("7")}, nil); err != nil {
				return err
			}
			_, err := s.Commit(Delta{"a": []byte("7")}, RevisionMeta{}, nil)
			return err
		}, want: Delta{}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := st.do(s); !errors.Is(err, st.wantE) {
				t.Fatalf("got error %v, want %v", err, st.wantE)
			}
			s = reopen(top, s, path)
			got, err := s.Candidate()
			if err != nil {
				t.Fatalf("Candidate: got error %v, want nil", err)
			}
			if !reflect.DeepEqual(got, st.want) {
				t.Errorf("Candidate after reopen: got %q, want %q", got, st.want)
			}
		})
	}
}

func TestStateAndCounters(t *testing.T) {
	s, path := openTemp(t)
	if got, err := s.State("commit-confirmed"); got != nil || err != nil {
		t.Fatalf("absent state: got %q, %v, want nil, nil", got, err)
	}
	for _, kv := range []struct{ k, v string }{{"commit-confirmed", "deadline"}, {"commit-at", "t"}, {"empty", ""}} {
		if err := s.PutState(kv.k, []byte(kv.v)); err != nil {
			t.Fatalf("PutState(%q): got error %v, want nil", kv.k, err)
		}
	}
	if err := s.PutState("commit-at", nil); err != nil {
		t.Fatalf("PutState(nil): got error %v, want nil", err)
	}
	for i := 1; i <= 3; i++ {
		if got, err := s.NextCounter("service-set-id"); got != uint64(i) || err != nil {
			t.Fatalf("NextCounter: got %d, %v, want %d, nil", got, err, i)
		}
	}
	// Commit writes and deletes state keys in its transaction.
	if _, err := s.Commit(Delta{"a": []byte("1")}, RevisionMeta{},
		map[string][]byte{"commit-confirmed": nil, "rollback-armed": []byte("yes")}); err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s, path)

	tests := []struct {
		key  string
		want []byte
	}{
		{"commit-confirmed", nil},
		{"commit-at", nil},
		{"empty", []byte{}},
		{"rollback-armed", []byte("yes")},
	}
	for _, tt := range tests {
		t.Run("state "+tt.key, func(t *testing.T) {
			got, err := s.State(tt.key)
			if err != nil || !sameChunk(got, tt.want) {
				t.Errorf("got %q (nil %v), %v, want %q (nil %v), nil", got, got == nil, err, tt.want, tt.want == nil)
			}
		})
	}
	counters := []struct {
		name string
		want uint64
	}{
		{"service-set-id", 4},
		{"generation", 1},
		{"service-set-id", 5},
	}
	for _, c := range counters {
		if got, err := s.NextCounter(c.name); got != c.want || err != nil {
			t.Errorf("NextCounter(%q): got %d, %v, want %d, nil", c.name, got, err, c.want)
		}
	}
}

func TestErrors(t *testing.T) {
	s, _ := openTemp(t)
	long := strings.Repeat("k", bolt.MaxKeySize+1)
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"commit empty chunk key", func() error { _, err := s.Commit(Delta{"": nil}, RevisionMeta{}, nil); return err }, ErrInvalid},
		{"commit long chunk key", func() error { _, err := s.Commit(Delta{long: nil}, RevisionMeta{}, nil); return err }, ErrInvalid},
		{"commit empty state key", func() error { _, err := s.Commit(nil, RevisionMeta{}, map[string][]byte{"": nil}); return err }, ErrInvalid},
		{"state empty key", func() error { _, err := s.State(""); return err }, ErrInvalid},
		{"put state empty key", func() error { return s.PutState("", nil) }, ErrInvalid},
		{"counter empty name", func() error { _, err := s.NextCounter(""); return err }, ErrInvalid},
		{"rollback out of range", func() error { _, _, err := s.Rollback(3); return err }, ErrNotFound},
		{"rollback delta negative", func() error { _, _, err := s.RollbackDelta(-1); return err }, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.Is(err, tt.want) {
				t.Fatalf("got error %v, want %v", err, tt.want)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "db: ") || strings.Count(msg, "db: ") != 1 {
				t.Errorf("got message %q, want one \"db: \" prefix", msg)
			}
		})
	}
	// A failed commit changes nothing.
	if hist, err := s.History(); err != nil || len(hist) != 0 {
		t.Errorf("after failed commits: got history %v, %v, want empty", hist, err)
	}
}

// TestNoAliasing reads values after the store is closed and its memory map
// released: a value pointing into bbolt memory would fault or change.
func TestNoAliasing(t *testing.T) {
	s, _ := openTemp(t)
	mustCommit(t, s, Delta{"a": []byte("old"), "b": []byte("b")}, RevisionMeta{User: "u"})
	mustCommit(t, s, Delta{"a": []byte("new")}, RevisionMeta{User: "v"})
	if err := s.UpdateCandidate(Delta{"a": []byte("cand")}, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.PutState("k", []byte("state")); err != nil {
		t.Fatal(err)
	}
	committed, meta, err1 := s.Committed()
	rb, _, err2 := s.Rollback(1)
	rbd, _, err3 := s.RollbackDelta(1)
	cand, err4 := s.Candidate()
	st, err5 := s.State("k")
	hist, err6 := s.History()
	if err := errors.Join(err1, err2, err3, err4, err5, err6); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		got, want string
	}{
		{"committed", string(committed["a"]) + string(committed["b"]), "newb"},
		{"committed meta", meta.User, "v"},
		{"rollback", string(rb["a"]), "old"},
		{"rollback delta", string(rbd["a"]), "old"},
		{"candidate", string(cand["a"]), "cand"},
		{"state", string(st), "state"},
		{"history", hist[1].User, "u"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

// TestConcurrentUse runs readers beside a writer; with -race it checks
// that the store needs no locking from its callers.
func TestConcurrentUse(t *testing.T) {
	s, _ := openTemp(t)
	mustCommit(t, s, Delta{"a": []byte("0")}, RevisionMeta{})
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	wg.Go(func() {
		for i := range 50 {
			if _, err := s.Commit(Delta{"a": fmt.Append(nil, i)}, RevisionMeta{}, nil); err != nil {
				errs <- err
				return
			}
		}
	})
	for range 3 {
		wg.Go(func() {
			for range 50 {
				c, meta, err := s.Committed()
				if err != nil {
					errs <- err
					return
				}
				if meta.Seq > 1 && string(c["a"]) != fmt.Sprint(meta.Seq-2) {
					errs <- fmt.Errorf("seq %d: got chunk %q, want %q", meta.Seq, c["a"], fmt.Sprint(meta.Seq-2))
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

package gnmi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/openconfig/gnmi/client"
	gclient "github.com/openconfig/gnmi/client/gnmi"
	gpb "github.com/openconfig/gnmi/proto/gnmi"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/internal/testkit"
)

// events runs a subscription with the reference client and returns what
// it reports, one line a notification: "update /a/b = v", "delete /a/b",
// "sync"; the channel closes when the subscription ends (its error on
// errc).
type events struct {
	c    *gclient.Client
	ch   chan string
	errc chan error
}

func subscribe(t *testing.T, n *compose.Node, list *gpb.SubscriptionList) *events {
	t.Helper()
	c := dial(t, n, "ro", "ro123")
	ev := &events{c: c, ch: make(chan string, 1000), errc: make(chan error, 1)}
	typ := map[gpb.SubscriptionList_Mode]client.Type{gpb.SubscriptionList_ONCE: client.Once,
		gpb.SubscriptionList_POLL: client.Poll, gpb.SubscriptionList_STREAM: client.Stream}[list.GetMode()]
	q := client.Query{Type: typ, SubReq: &gpb.SubscribeRequest{Request: &gpb.SubscribeRequest_Subscribe{Subscribe: list}},
		NotificationHandler: func(nt client.Notification) error {
			switch v := nt.(type) {
			case client.Update:
				ev.ch <- fmt.Sprintf("update /%s = %v", strings.Join(v.Path, "/"), v.Val)
			case client.Delete:
				ev.ch <- fmt.Sprintf("delete /%s", strings.Join(v.Path, "/"))
			case client.Sync:
				ev.ch <- "sync"
			}
			return nil
		}}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := c.Subscribe(ctx, q); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(ev.ch)
		for {
			err := c.Recv()
			if errors.Is(err, client.ErrStopReading) && typ == client.Poll {
				continue // the reference client stops at each sync of a POLL
			}
			if err != nil {
				ev.errc <- err
				return
			}
		}
	}()
	return ev
}

// next returns the next event (failing after testkit's deadline).
func (ev *events) next(t *testing.T) string {
	t.Helper()
	select {
	case e, ok := <-ev.ch:
		if !ok {
			t.Fatalf("subscription ended: %v", <-ev.errc)
		}
		return e
	case <-time.After(testkit.Deadline):
		t.Fatal("no event")
	}
	return ""
}

// expect reads events until want (and fails on any event in refuse).
func (ev *events) expect(t *testing.T, want string) {
	t.Helper()
	for {
		e := ev.next(t)
		if e == want {
			return
		}
		if e == "sync" {
			t.Fatalf("got sync before %q", want)
		}
	}
}

func sub(p string, mode gpb.SubscriptionMode, sample time.Duration) *gpb.Subscription {
	return &gpb.Subscription{Path: path(p), Mode: mode, SampleInterval: uint64(sample)}
}

func TestSubscribeOnce(t *testing.T) {
	n, _ := startNode(t, compose.Options{})
	ev := subscribe(t, n, &gpb.SubscriptionList{Mode: gpb.SubscriptionList_ONCE, Subscription: []*gpb.Subscription{
		{Path: path("/system/host-name")}, {Path: path("/state/system/commits/commit[rollback=0]/user")},
		{Path: path("/system/login/user[name=*]/class")}}})
	for _, want := range []string{"update /system/host-name = lab1",
		"update /state/system/commits/commit/0/user = root",
		"update /system/login/user/admin/class = super-user", "update /system/login/user/oper/class = operator",
		"update /system/login/user/ro/class = read-only", "sync"} {
		if got := ev.next(t); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	if err := <-ev.errc; !errors.Is(err, client.ErrStopReading) && !errors.Is(err, io.EOF) {
		t.Errorf("after sync: got %v, want the end of the subscription", err)
	}
}

func TestSubscribePoll(t *testing.T) {
	n, _ := startNode(t, compose.Options{})
	ev := subscribe(t, n, &gpb.SubscriptionList{Mode: gpb.SubscriptionList_POLL,
		Subscription: []*gpb.Subscription{{Path: path("/system/host-name")}}})
	ev.expect(t, "update /system/host-name = lab1")
	if got := ev.next(t); got != "sync" {
		t.Fatalf("got %q, want sync", got)
	}
	commitSet(t, n, "set system host-name polled\n")
	if err := ev.c.Poll(); err != nil {
		t.Fatal(err)
	}
	ev.expect(t, "update /system/host-name = polled")
	if got := ev.next(t); got != "sync" {
		t.Fatalf("got %q, want sync after the poll", got)
	}
}

// TestSubscribeOnChangeCommit: ON_CHANGE of configuration sends the
// changed leaves at each commit, deletions as deletes; updates_only
// skips the first full update.
func TestSubscribeOnChangeCommit(t *testing.T) {
	n, _ := startNode(t, compose.Options{})
	commitSet(t, n, "set system domain-name example.net\n")
	ev := subscribe(t, n, &gpb.SubscriptionList{Mode: gpb.SubscriptionList_STREAM, Subscription: []*gpb.Subscription{
		sub("/system", gpb.SubscriptionMode_ON_CHANGE, 0),
		sub("/state/system/commits/commit[rollback=0]/comment", gpb.SubscriptionMode_ON_CHANGE, 0)}})
	ev.expect(t, "update /system/domain-name = example.net")
	for ev.next(t) != "sync" {
	}
	commitSet(t, n, "set system host-name r7\ndelete system domain-name\n")
	got := map[string]bool{ev.next(t): true, ev.next(t): true}
	for _, want := range []string{"update /system/host-name = r7", "delete /system/domain-name"} {
		if !got[want] {
			t.Errorf("after the commit: got %v, want %q", got, want)
		}
	}
	// The commit history entry is replaced: rollback 0 has a new user and
	// time; the comment leaf is gone (none was given), so a delete.
	s, err := n.Configd.Open("root", "cli", configd.Shared)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Load(configd.LoadSet, configd.FormatSet, "set system host-name r8\n"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(context.Background(), configd.CommitOptions{Comment: "via test"}); err != nil {
		t.Fatal(err)
	}
	got = map[string]bool{ev.next(t): true, ev.next(t): true}
	for _, want := range []string{"update /system/host-name = r8", "update /state/system/commits/commit/0/comment = via test"} {
		if !got[want] {
			t.Errorf("after the commented commit: got %v, want %q", got, want)
		}
	}

	t.Run("updates_only", func(t *testing.T) {
		ev := subscribe(t, n, &gpb.SubscriptionList{Mode: gpb.SubscriptionList_STREAM, UpdatesOnly: true,
			Subscription: []*gpb.Subscription{sub("/system/host-name", gpb.SubscriptionMode_ON_CHANGE, 0)}})
		if got := ev.next(t); got != "sync" {
			t.Fatalf("first event: got %q, want sync", got)
		}
		commitSet(t, n, "set system host-name r9\n")
		if got := ev.next(t); got != "update /system/host-name = r9" {
			t.Errorf("got %q, want the new host-name", got)
		}
	})
}

// TestSubscribeSample: SAMPLE sends every interval of the injected
// clock; suppress_redundant leaves out unchanged values; a heartbeat
// resends everything.
func TestSubscribeSample(t *testing.T) {
	n, clk := startNode(t, compose.Options{})
	base := clk.Pending()
	quiet := sub("/system/host-name", gpb.SubscriptionMode_SAMPLE, 5*time.Second)
	quiet.SuppressRedundant = true
	ev := subscribe(t, n, &gpb.SubscriptionList{Mode: gpb.SubscriptionList_STREAM, Subscription: []*gpb.Subscription{
		quiet, sub("/state/system/host-name", gpb.SubscriptionMode_SAMPLE, 5*time.Second)}})
	ev.expect(t, "update /system/host-name = lab1")
	ev.expect(t, "update /state/system/host-name = lab1")
	if got := ev.next(t); got != "sync" {
		t.Fatalf("got %q, want sync", got)
	}
	clk.BlockUntil(base + 1)
	clk.Advance(5 * time.Second)
	// suppressed: unchanged, so the first event is the other entry's
	if got := ev.next(t); got != "update /state/system/host-name = lab1" {
		t.Errorf("sample 1: got %q, want only the unsuppressed leaf", got)
	}
	commitSet(t, n, "set system host-name sampled\n")
	clk.BlockUntil(base + 1)
	clk.Advance(5 * time.Second)
	if got := ev.next(t); got != "update /system/host-name = sampled" {
		t.Errorf("sample 2: got %q, want the changed leaf", got)
	}
	ev.expect(t, "update /state/system/host-name = sampled")

	t.Run("heartbeat", func(t *testing.T) {
		base := clk.Pending()
		s := sub("/system/host-name", gpb.SubscriptionMode_ON_CHANGE, 0)
		s.HeartbeatInterval = uint64(30 * time.Second)
		ev := subscribe(t, n, &gpb.SubscriptionList{Mode: gpb.SubscriptionList_STREAM, Subscription: []*gpb.Subscription{s}})
		ev.expect(t, "update /system/host-name = sampled")
		ev.next(t) // sync
		clk.BlockUntil(base + 1)
		clk.Advance(30 * time.Second)
		if got := ev.next(t); got != "update /system/host-name = sampled" {
			t.Errorf("heartbeat: got %q, want the unchanged value again", got)
		}
	})
}

// TestSubscribeOnChangeState: ON_CHANGE of state that changes outside
// commits is compared every OnChangeCheck.
func TestSubscribeOnChangeState(t *testing.T) {
	n, clk := startNode(t, compose.Options{})
	base := clk.Pending()
	ev := subscribe(t, n, &gpb.SubscriptionList{Mode: gpb.SubscriptionList_STREAM, Subscription: []*gpb.Subscription{
		sub("/state/interfaces/interface/admin-status", gpb.SubscriptionMode_ON_CHANGE, 0)}})
	if got := ev.next(t); got != "sync" {
		t.Fatalf("got %q, want sync (no interface yet)", got)
	}
	commitSet(t, n, "set interfaces ge-0/0/3 disable\n")
	clk.BlockUntil(base + 1)
	clk.Advance(time.Second)
	if got := ev.next(t); got != "update /state/interfaces/interface/ge-0/0/3/admin-status = down" {
		t.Errorf("got %q, want ge-0/0/3 down", got)
	}
}

func TestSubscribeBadPath(t *testing.T) {
	n, _ := startNode(t, compose.Options{})
	for _, tc := range []struct {
		path string
		code codes.Code
	}{
		{"/state/nonsense", codes.NotFound},
		{"/state/services/service-set[colour=red]", codes.InvalidArgument},
		{"/system/nonsense", codes.NotFound},
	} {
		ev := subscribe(t, n, &gpb.SubscriptionList{Mode: gpb.SubscriptionList_STREAM,
			Subscription: []*gpb.Subscription{sub(tc.path, gpb.SubscriptionMode_ON_CHANGE, 0)}})
		if err := <-ev.errc; status.Code(err) != tc.code {
			t.Errorf("%s: got %v, want %v", tc.path, err, tc.code)
		}
	}
}

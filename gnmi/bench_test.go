package gnmi_test

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	gpb "github.com/openconfig/gnmi/proto/gnmi"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/configd"
	"github.com/gnos/gnos/internal/clock"
	"github.com/gnos/gnos/internal/testconfig"
	"github.com/gnos/gnos/pic/dataplane"
)

// BenchmarkGNMI measures, on the performance configuration (10,000
// service-sets on one PIC, real clock), beside same-run references:
//
//   - subscribe-once: a Subscribe ONCE of /state/services, one update a
//     leaf (5 a service-set), counted in updates/s; reference: get, a Get
//     of the same state as one JSON_IETF value (what the tree costs to
//     build and render without per-leaf notifications);
//   - set-to-pic-ack: a gNMI Set of one leaf of one service-set until the
//     PIC acknowledges its new generation; reference: commit-to-pic-ack,
//     the same change committed through a configd session (the CLI's
//     path) until the acknowledgement.
func BenchmarkGNMI(b *testing.B) {
	sets := testconfig.Performance.ServiceSets
	if testing.Short() {
		sets = 1000
	}
	n, _ := startNode(b, compose.Options{Clock: clock.Real{}})
	var text strings.Builder
	if err := testconfig.WriteText(&text, testconfig.Shape{ServiceSets: sets, TermsPerRule: 5}); err != nil {
		b.Fatal(err)
	}
	s, err := n.Configd.Open("root", "cli", configd.Shared)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Load(configd.LoadMerge, configd.FormatText, text.String()); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
		b.Fatal(err)
	}
	s.Close()
	waitAck(b, n, "ss1")
	waitAck(b, n, "ss"+strconv.Itoa(sets))

	conn, err := grpc.NewClient(n.GNMI.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(1<<30)))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	gc := gpb.NewGNMIClient(conn)
	ctx := metadata.AppendToOutgoingContext(context.Background(), "username", "admin", "password", "admin123")

	b.Run("subscribe-once", func(b *testing.B) {
		updates := 0
		for b.Loop() {
			updates += subscribeOnce(b, ctx, gc, "/state/services")
		}
		b.ReportMetric(float64(updates)/b.Elapsed().Seconds(), "updates/s")
		b.ReportMetric(float64(updates/b.N), "updates/op")
	})
	b.Run("get", func(b *testing.B) {
		for b.Loop() {
			if _, err := gc.Get(ctx, &gpb.GetRequest{Path: []*gpb.Path{path("/state/services")}, Encoding: gpb.Encoding_JSON_IETF}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(5*sets*b.N)/b.Elapsed().Seconds(), "leaves/s")
	})
	flows := 1000
	b.Run("set-to-pic-ack", func(b *testing.B) {
		for b.Loop() {
			flows++
			if _, err := gc.Set(ctx, &gpb.SetRequest{Update: []*gpb.Update{{
				Path: path("/services/service-set[name=ss1]/max-flows"), Val: strVal(strconv.Itoa(flows))}}}); err != nil {
				b.Fatal(err)
			}
			waitAck(b, n, "ss1")
		}
	})
	b.Run("commit-to-pic-ack", func(b *testing.B) {
		for b.Loop() {
			flows++
			s, err := n.Configd.Open("admin", "cli", configd.Private)
			if err != nil {
				b.Fatal(err)
			}
			if err := s.Load(configd.LoadSet, configd.FormatSet, "set services service-set ss1 max-flows "+strconv.Itoa(flows)+"\n"); err != nil {
				b.Fatal(err)
			}
			if _, err := s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
				b.Fatal(err)
			}
			s.Close()
			waitAck(b, n, "ss1")
		}
	})
}

// waitAck waits until the PIC acknowledged service-set name's current
// generation.
func waitAck(b testing.TB, n *compose.Node, name string) {
	b.Helper()
	ssrb, ok := n.Services.SSRB(name)
	if !ok {
		b.Fatalf("no SSRB for %s", name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := n.Services.WaitAck(ctx, dataplane.Slot{}, ssrb.ID, ssrb.Gen); err != nil {
		b.Fatal(err)
	}
}

// subscribeOnce runs a ONCE subscription of p to its sync_response and
// returns the number of updates received.
func subscribeOnce(b *testing.B, ctx context.Context, gc gpb.GNMIClient, p string) int {
	st, err := gc.Subscribe(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if err := st.Send(&gpb.SubscribeRequest{Request: &gpb.SubscribeRequest_Subscribe{Subscribe: &gpb.SubscriptionList{
		Mode: gpb.SubscriptionList_ONCE, Subscription: []*gpb.Subscription{{Path: path(p)}}}}}); err != nil {
		b.Fatal(err)
	}
	n := 0
	for {
		r, err := st.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		n += len(r.GetUpdate().GetUpdate())
	}
	return n
}

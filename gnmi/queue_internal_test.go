package gnmi

import (
	"context"
	"errors"
	"testing"

	gpb "github.com/openconfig/gnmi/proto/gnmi"
)

// TestSlowCollectorDropped: a subscription whose queue is full is ended
// with errSlow and counted, never blocking the producer.
func TestSlowCollectorDropped(t *testing.T) {
	s := &Server{}
	sb := &sub{s: s, ctx: context.Background(), list: &gpb.SubscriptionList{}, out: make(chan *gpb.SubscribeResponse, 2)}
	leaves := make([]leafVal, 2*maxUpdates)
	for i := range leaves {
		leaves[i] = leafVal{path: []*gpb.PathElem{{Name: "x"}}, val: &gpb.TypedValue{}}
	}
	if err := sb.emit(1, leaves, nil); err != nil {
		t.Fatalf("two notifications into a queue of two: %v", err)
	}
	if got := len(sb.out); got != 2 {
		t.Errorf("queued: got %d, want 2 (at most %d updates each)", got, maxUpdates)
	}
	if err := sb.emit(2, leaves[:1], nil); !errors.Is(err, errSlow) {
		t.Errorf("into a full queue: got %v, want errSlow", err)
	}
	if got := s.slowDrops.Load(); got != 1 {
		t.Errorf("slow drops: got %d, want 1", got)
	}
}

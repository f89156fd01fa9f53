package servicesd_test

// FuzzPICStream plays a misbehaving picd against a running servicesd: a
// real gRPC stream on DATA/services.sock, hello for fpc 0 pic 0, then an
// arbitrary sequence of FromPIC messages (JSON, one per line, as the codec
// decodes them): READY storms, acks for ids and generations never sent,
// status replies nobody asked for, syncs without resyncs. servicesd must
// answer every hello with the PIC's Config, never panic, and keep serving
// its own API afterwards.

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/pic/picd"
	"github.com/gnos/gnos/servicesd"
)

func FuzzPICStream(f *testing.F) {
	f.Add([]byte(`{"ready":{"incarnation":1}}` + "\n" + `{"ack":{"id":1,"gen":4294967297,"op":"add"}}` + "\n" + `{"synced":{"end":true,"count":2}}`))
	f.Add([]byte(`{"ack":{"id":99,"gen":1,"op":"delete","stale":true,"error":"boom"}}` + "\n" + `{"status":{"req":12345}}`))
	f.Add([]byte(`{"ready":{"incarnation":1}}` + "\n" + `{"ready":{"incarnation":1}}` + "\n" + `{"heartbeat":true}` + "\n" + `{"hello":{"slot":{"fpc":3,"pic":1}}}`))
	f.Add([]byte(`{"synced":{}}` + "\n" + `{}` + "\n" + `{"status":{"req":0,"ssrbs":[{"id":4}]}}`))
	h := start(f)
	h.loadCommit(h.shape(2))
	sock := servicesd.SocketPath(h.n.Opts.DataDir)
	if _, err := os.Stat(sock); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, stream []byte) {
		cc, err := ipc.DialUnix(sock)
		if err != nil {
			t.Fatal(err)
		}
		defer cc.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		st, err := ipc.OpenStream[picd.FromPIC, picd.ToPIC](ctx, cc, picd.StreamMethod)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Send(&picd.FromPIC{Hello: &picd.Hello{Slot: slot00, PID: 1}}); err != nil {
			t.Fatal(err)
		}
		first, err := st.Recv()
		if err != nil {
			t.Fatalf("after hello: %v", err)
		}
		if first.Config == nil || !first.Config.Configured {
			t.Fatalf("after hello: got %+v, want the PIC's Config", first)
		}
		for _, line := range bytes.Split(stream, []byte("\n")) {
			var m picd.FromPIC
			if json.Unmarshal(line, &m) != nil {
				continue
			}
			if st.Send(&m) != nil {
				break
			}
		}
		st.CloseSend()
		cancel()
		if _, ok := h.n.Services.SSRB("ss1"); !ok { // takes servicesd's lock: wedged would hang here
			t.Fatal("servicesd lost ss1")
		}
	})
}

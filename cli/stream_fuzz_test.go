package cli_test

// FuzzCLIStream plays arbitrary message sequences on the management
// socket's CLI stream (JSON, one message per line, as the gRPC codec
// carries them): no open first, several opens, lines and completion
// requests in any order, answers to questions nobody asked, `load …
// terminal` input never ended. The daemon must end or serve each stream
// and go on serving new sessions.

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/gnos/gnos/cli"
	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/ipc"
)

func FuzzCLIStream(f *testing.F) {
	for _, s := range []string{
		`{"open":{"client":"cli"}}` + "\n" + `{"line":"show version"}` + "\n" + `{"complete":"show sys"}`,
		`{"line":"configure"}` + "\n" + `{"open":{"client":"x"}}`,
		`{"open":{"client":"cli"}}` + "\n" + `{"line":"configure"}` + "\n" + `{"line":"load merge terminal"}` + "\n" + `{"line":"system {"}`,
		`{"open":{"client":"cli"}}` + "\n" + `{"line":"configure private"}` + "\n" + `{"line":"set system host-name a"}` + "\n" + `{"line":"exit"}` + "\n" + `{"line":"no"}`,
		`{"open":{"client":"cli"}}` + "\n" + `{}` + "\n" + `{"line":"\u0004"}` + "\n" + `{"complete":""}`,
		`{"open":null,"line":"show version"}`,
	} {
		f.Add([]byte(s))
	}
	n, _ := startNode(f)
	sock := compose.SocketPath(n.Opts.DataDir)
	f.Fuzz(func(t *testing.T, stream []byte) {
		cc, err := ipc.DialUnix(sock)
		if err != nil {
			t.Fatal(err)
		}
		defer cc.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		st, err := ipc.OpenStream[json.RawMessage, json.RawMessage](ctx, cc, cli.SessionMethod)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range bytes.Split(stream, []byte("\n")) {
			m := json.RawMessage(line)
			if !json.Valid(m) {
				continue // the codec cannot send it
			}
			if st.Send(&m) != nil {
				break
			}
		}
		st.CloseSend()
		for { // until the server ends the stream
			if _, err := st.Recv(); err != nil {
				break
			}
		}
		if ctx.Err() != nil {
			t.Fatal("the server did not end the stream")
		}
		c, err := cli.Dial(context.Background(), cc, "cli")
		if err != nil {
			t.Fatalf("a new session after the stream: %v", err)
		}
		defer c.Close()
		if r, err := c.Exec("show version"); err != nil || r.Failed {
			t.Fatalf("show version after the stream: %v %+v", err, r)
		}
	})
}

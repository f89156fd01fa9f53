package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"google.golang.org/grpc"

	"github.com/gnos/gnos/compose"
	"github.com/gnos/gnos/internal/ipc"
	"github.com/gnos/gnos/netconf"
)

// netconfStdio speaks NETCONF on stdin/stdout with the running daemon, as
// `ssh -s netconf` does over the network: bytes are relayed unchanged
// through the management socket, and the session runs as the user who
// owns it.
func netconfStdio(ctx context.Context, data string) error {
	cc, err := ipc.DialUnix(compose.SocketPath(data))
	if err != nil {
		return err
	}
	defer cc.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	desc := &grpc.StreamDesc{StreamName: "Session", ClientStreams: true, ServerStreams: true}
	st, err := cc.NewStream(ctx, desc, netconf.LocalMethod)
	if err != nil {
		return fmt.Errorf("netconf: %w", err)
	}
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := os.Stdin.Read(buf)
			if n > 0 {
				if st.SendMsg(&netconf.Chunk{Data: append([]byte(nil), buf[:n]...)}) != nil {
					return
				}
			}
			if err != nil {
				st.CloseSend()
				return
			}
		}
	}()
	for {
		var c netconf.Chunk
		if err := st.RecvMsg(&c); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("netconf: %w", err)
		}
		if _, err := os.Stdout.Write(c.Data); err != nil {
			return err
		}
	}
}

package ipc

import (
	"encoding/json"
	"syscall"

	"google.golang.org/grpc/encoding"
	"google.golang.org/grpc/mem"
)

// jsonV2 is the JSON codec every server and client here forces (the
// messages are plain Go structs); it is not registered by name.
type jsonV2 struct{}

func codecV2() encoding.CodecV2 { return jsonV2{} }

func (jsonV2) Marshal(v any) (mem.BufferSlice, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return mem.BufferSlice{mem.SliceBuffer(b)}, nil
}

func (jsonV2) Unmarshal(data mem.BufferSlice, v any) error {
	return json.Unmarshal(data.Materialize(), v)
}

func (jsonV2) Name() string { return "json" }

func umask(m int) int { return syscall.Umask(m) }

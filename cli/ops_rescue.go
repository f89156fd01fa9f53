package cli

import (
	"bytes"
	"context"
	"io"
)

// RescueCommands are the rescue configuration's operational commands
// (configd/rescue.go): save the committed configuration as the rescue
// configuration, delete it, show it. `rollback rescue` in configuration
// mode loads it.
func RescueCommands(t *Table) {
	t.Describe("request", "Make system-level requests")
	t.Describe("request system", "System requests")
	t.Describe("request system configuration", "Request operation on system configuration")
	t.Describe("request system configuration rescue", "Request operation on the rescue configuration")
	t.Describe("show system configuration", "Show configuration information")
	t.Add(
		&Command{Words: []string{"request", "system", "configuration", "rescue", "save"},
			RPC: "request-save-rescue-configuration", Help: "Save the current configuration as the rescue configuration",
			Run: func(_ context.Context, s *Session, _ Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
				return nil, s.eng.Configd.SaveRescue(s.user)
			}},
		&Command{Words: []string{"request", "system", "configuration", "rescue", "delete"},
			RPC: "request-delete-rescue-configuration", Help: "Delete the rescue configuration",
			Run: func(_ context.Context, s *Session, _ Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
				return nil, s.eng.Configd.DeleteRescue()
			}},
		&Command{Words: []string{"show", "system", "configuration", "rescue"}, RPC: "get-rescue-information",
			Help: "Show the rescue configuration", Run: showRescue},
	)
}

func showRescue(_ context.Context, s *Session, _ Args, p *Pipeline, w io.Writer) (*Elem, error) {
	t, _, err := s.eng.Configd.Rescue()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := renderConfig(&b, s.visible(t), nil, p.display); err != nil {
		return nil, err
	}
	p.display = ""
	_, err = w.Write(b.Bytes())
	return nil, err
}

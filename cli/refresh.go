package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
)

// | refresh [N] runs an operational command again every N seconds (1 by
// default) until Ctrl-C, as Junos does: each run's output, through the
// line's other pipes, goes to the front end as it is made (stream.go)
// under a ---(refreshed at TIME)--- line. It needs a front end that
// streams (a terminal); time comes from the configuration daemon's clock.

func (s *Session) refreshed(ctx context.Context, cmd []token, p *Pipeline, lineLen int) (bool, error) {
	if s.stream == nil {
		return false, errors.New("| refresh needs a terminal")
	}
	if s.cfg != nil || p.save != "" {
		return false, errors.New("| refresh works with operational commands and without | save")
	}
	clk := s.eng.Configd.Clock()
	p.progress = nil // each run is collected, filtered, then shown
	for {
		var buf, frame bytes.Buffer
		exit, err := s.opCommand(ctx, cmd, p, &buf, lineLen)
		if err != nil || exit {
			return exit, err
		}
		fmt.Fprintf(&frame, "---(refreshed at %s)---\n", clk.Now().UTC().Format("2006-01-02 15:04:05 MST"))
		if err := p.apply(s, &buf, &frame); err != nil {
			return false, err
		}
		s.stream(frame.String())
		tick := make(chan struct{})
		tm := clk.AfterFunc(p.refresh, func() { close(tick) })
		select {
		case <-tick:
		case <-ctx.Done():
			tm.Stop()
			return false, nil
		}
	}
}

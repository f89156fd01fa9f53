package configd

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/gnos/gnos/configd/format"
	"github.com/gnos/gnos/configd/tree"
	"github.com/gnos/gnos/internal/atomicfile"
	"github.com/gnos/gnos/internal/errkind"
)

// The rescue configuration: a known-good configuration the operator saves
// (request system configuration rescue save) and can load back at any time
// (rollback rescue), as on Junos. It is the committed configuration of the
// moment it was saved, kept as curly-brace text in its own file beside the
// store (Options.RescueFile, DATA/rescue.conf), not in the store: it is the
// way back when the store itself is damaged.

// errNoRescue is the Junos answer when no rescue configuration was saved.
var errNoRescue = errkind.Errorf(ErrNotFound, "rescue configuration is not set")

// SaveRescue saves the committed configuration as the rescue
// configuration, replacing any earlier one (atomically, on disk before it
// replaces the old file).
func (c *Configd) SaveRescue(user string) error {
	if c.rescueFile == "" {
		return errkind.Errorf(ErrInvalid, "rescue configuration is not available on this system")
	}
	c.mu.Lock()
	t := c.committed
	now := c.clock.Now()
	c.mu.Unlock()
	var b bytes.Buffer
	fmt.Fprintf(&b, "## Rescue configuration saved: %s by %s\n", now.UTC().Format(rescueTime), user)
	if err := format.WriteText(&b, t); err != nil {
		return err
	}
	if err := atomicfile.Write(c.rescueFile, b.Bytes()); err != nil {
		return fmt.Errorf("configd: cannot save the rescue configuration: %w", err)
	}
	c.log.Info("rescue configuration saved", "user", user, "file", c.rescueFile)
	return nil
}

const rescueTime = "2006-01-02 15:04:05 MST"

// DeleteRescue removes the rescue configuration; none is not an error.
func (c *Configd) DeleteRescue() error {
	if c.rescueFile == "" {
		return nil
	}
	if err := os.Remove(c.rescueFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("configd: cannot delete the rescue configuration: %w", err)
	}
	return nil
}

// Rescue returns the rescue configuration and its saved text (with its
// header line). No rescue configuration is ErrNotFound; a file that no
// longer parses is ErrCorrupt, naming the file.
func (c *Configd) Rescue() (*tree.Node, string, error) {
	if c.rescueFile == "" {
		return nil, "", errNoRescue
	}
	b, err := os.ReadFile(c.rescueFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", errNoRescue
	}
	if err != nil {
		return nil, "", fmt.Errorf("configd: cannot read the rescue configuration: %w", err)
	}
	t, _, err := format.ParseText(c.schema.Root, string(b))
	if err != nil {
		return nil, "", errkind.Errorf(ErrCorrupt, "the rescue configuration %s is damaged: %v", c.rescueFile, err)
	}
	return t, string(b), nil
}

// RollbackRescue replaces the session's candidate with the rescue
// configuration (to be committed like any rollback).
func (s *Session) RollbackRescue() error {
	t, _, err := s.c.Rescue()
	if err != nil {
		return err
	}
	return s.Edit(func(e *tree.Editor) error {
		e.Put(nil, shareUnchanged(e.Root(), t))
		return nil
	})
}

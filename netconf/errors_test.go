package netconf

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gnos/gnos/internal/errkind"
)

// TestKindTags: each error kind becomes its rpc-error tag, with the
// message as the daemon wrote it (no kind suffix to strip), and a corrupt
// store says it is damaged.
func TestKindTags(t *testing.T) {
	for _, tt := range []struct {
		name     string
		err      error
		tag, msg string
	}{
		{"not found", errkind.Errorf(errkind.NotFound, "no commit is pending"), "data-missing", "no commit is pending"},
		{"invalid", errkind.Errorf(errkind.Invalid, "unknown format %q", "yaml"), "invalid-value", `unknown format "yaml"`},
		{"exists", errkind.Errorf(errkind.Exists, "[edit system]: statement already exists (data-exists)"), "data-exists", "[edit system]: statement already exists (data-exists)"},
		{"locked", errkind.Errorf(errkind.Locked, "configuration database locked by bob"), "lock-denied", "configuration database locked by bob"},
		{"conflict", errkind.Errorf(errkind.Conflict, "shared configuration database modified"), "in-use", "shared configuration database modified"},
		{"limit", fmt.Errorf("configd: %w", errkind.Errorf(errkind.Limit, "load: too big")), "resource-denied", "configd: load: too big"},
		{"permission", errkind.Errorf(errkind.Permission, "permission denied"), "access-denied", "permission denied"},
		{"corrupt says damaged", errkind.Errorf(errkind.Corrupt, "rollback 3 is damaged: db: delta record has tag 0xfd"), "operation-failed", "rollback 3 is damaged: db: delta record has tag 0xfd"},
		{"corrupt without the word", errkind.Errorf(errkind.Corrupt, "db: meta of revision 4 missing"), "operation-failed", "the configuration store is damaged: db: meta of revision 4 missing"},
		{"no kind", errors.New("servicesd is not reachable"), "operation-failed", "servicesd is not reachable"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := toRPCErrors(tt.err)
			if len(l) != 1 || l[0].Tag != tt.tag || l[0].Message != tt.msg {
				var b strings.Builder
				l.write(&b)
				t.Fatalf("got %s, want tag %s, message %q", b.String(), tt.tag, tt.msg)
			}
		})
	}
}

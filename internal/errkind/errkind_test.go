package errkind

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

func TestErrorf(t *testing.T) {
	cause := fs.ErrNotExist
	for _, tt := range []struct {
		name     string
		err      error
		wantKind *Kind
		wantText string
		wantIs   error
	}{
		{"message alone", Errorf(NotFound, "rollback %d is not in the history", 50), NotFound, "rollback 50 is not in the history", nil},
		{"cause wrapped", Errorf(Corrupt, "rollback 3 is damaged: %w", cause), Corrupt, "rollback 3 is damaged: " + cause.Error(), cause},
		{"wrapped by fmt", fmt.Errorf("configd: %w", Errorf(Locked, "locked by bob")), Locked, "configd: locked by bob", nil},
		{"outer kind wins", Errorf(Corrupt, "rollback 1 is damaged: %w", Errorf(NotFound, "undo record 2 missing")), Corrupt, "rollback 1 is damaged: undo record 2 missing", nil},
		{"wrap keeps text", Wrap(Limit, errors.New("too big")), Limit, "too big", nil},
		{"no kind", errors.New("plain"), nil, "plain", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Of(tt.err); got != tt.wantKind {
				t.Errorf("Of: got %v, want %v", got, tt.wantKind)
			}
			if tt.wantKind != nil && !Is(tt.err, tt.wantKind) {
				t.Errorf("Is(%v): got false, want true", tt.wantKind)
			}
			if got := tt.err.Error(); got != tt.wantText {
				t.Errorf("text: got %q, want %q", got, tt.wantText)
			}
			if tt.wantIs != nil && !errors.Is(tt.err, tt.wantIs) {
				t.Errorf("errors.Is(cause): got false, want true")
			}
		})
	}
}

func TestKindsAreDistinct(t *testing.T) {
	for i, a := range All {
		for j, b := range All {
			if i != j && (a == b || errors.Is(Errorf(a, "x"), b)) {
				t.Errorf("kinds %v and %v: got the same, want distinct", a, b)
			}
		}
		if got := Parse(Name(Errorf(a, "x"))); got != a {
			t.Errorf("Parse(Name(%v)): got %v, want %v", a, got, a)
		}
	}
	if Wrap(Invalid, nil) != nil {
		t.Errorf("Wrap(nil): got an error, want nil")
	}
}

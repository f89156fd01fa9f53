package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Each user saves in their own home; a class below super-user cannot
// overwrite another user's file (the read-only user's `| save` used to
// replace the administrator's saved configuration).
func TestFilesHaveOwners(t *testing.T) {
	n, _ := startNode(t)
	ctx := context.Background()
	admin := n.CLI.NewSession("admin", "test")
	defer admin.Close()
	ro := n.CLI.NewSession("ro", "test")
	defer ro.Close()
	ro.RestrictFiles()

	if r := admin.Exec(ctx, "show version | save backup.conf"); r.Failed {
		t.Fatalf("admin save: %s", r.Output)
	}
	adminFile := filepath.Join(n.CLI.HomeDir("admin"), "backup.conf")
	want, err := os.ReadFile(adminFile)
	if err != nil {
		t.Fatalf("admin's file is not in admin's home: %v", err)
	}
	// ro's relative name lands in ro's home, beside nothing of admin's.
	if r := ro.Exec(ctx, "show version | save backup.conf"); r.Failed {
		t.Fatalf("ro save in its home: %s", r.Output)
	}
	if _, err := os.Stat(filepath.Join(n.CLI.HomeDir("ro"), "backup.conf")); err != nil {
		t.Fatalf("ro's file: %v", err)
	}
	// Reaching into admin's home, or the shared area, is refused.
	for _, name := range []string{"../admin/backup.conf", adminFile, "../../shared.txt"} {
		r := ro.Exec(ctx, "show version | save "+name)
		if !r.Failed || !strings.Contains(r.Output, "permission denied") {
			t.Errorf("ro | save %s: failed %v, output %q; want permission denied", name, r.Failed, r.Output)
		}
	}
	if got, _ := os.ReadFile(adminFile); string(got) != string(want) {
		t.Fatalf("admin's file changed")
	}
	// A failed command saves nothing (it used to write an empty file).
	if r := admin.Exec(ctx, "show bogus | save backup.conf"); !r.Failed || strings.Contains(r.Output, "Wrote") {
		t.Errorf("failed command with | save: %q", r.Output)
	}
	if got, _ := os.ReadFile(adminFile); string(got) != string(want) {
		t.Fatalf("a failed command's | save replaced the file")
	}
	// Reading is allowed; the super-user class writes anywhere in the area.
	if r := ro.Exec(ctx, "file show ../admin/backup.conf"); r.Failed {
		t.Errorf("ro reading admin's file: %s", r.Output)
	}
	if r := admin.Exec(ctx, "show version | save ../ro/from-admin.txt"); r.Failed {
		t.Errorf("admin writing into ro's home: %s", r.Output)
	}
}

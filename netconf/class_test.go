package netconf

import (
	"context"
	"testing"

	"github.com/gnos/gnos/configd"
)

func TestClassLevel(t *testing.T) {
	srv := newTestServer(t)
	s, err := srv.cfg.Configd.Open("root", "cli", configd.Shared)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Load(configd.LoadSet, configd.FormatSet, `
set system login class admins permissions all
set system login class cfg permissions configure
set system login class ops permissions clear
set system login class ops permissions view
set system login class ctl permissions interface-control
set system login class viewers permissions view-configuration
set system login class nothing
`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Commit(context.Background(), configd.CommitOptions{}); err != nil {
		t.Fatal(err)
	}
	cfg := srv.cfg.Configd.Committed()
	for _, tt := range []struct {
		class string
		want  Level
	}{
		{"super-user", LevelConfigure}, {"operator", LevelOperator}, {"read-only", LevelView},
		{"unauthorized", LevelNone}, {"admins", LevelConfigure}, {"cfg", LevelConfigure},
		{"ops", LevelOperator}, {"ctl", LevelOperator}, {"viewers", LevelView},
		{"nothing", LevelNone}, {"undefined", LevelNone},
	} {
		if got := ClassLevel(cfg, tt.class); got != tt.want {
			t.Errorf("ClassLevel(%s) = %v, want %v", tt.class, got, tt.want)
		}
	}
}

func TestCommandLevel(t *testing.T) {
	for _, tt := range []struct {
		line string
		want Level
	}{
		{"show version", LevelView}, {"sh conf", LevelView}, {"show configuration | display set", LevelView},
		{"file list", LevelView}, {"file show x", LevelView}, {"exit", LevelView}, {"", LevelView},
		{"configure", LevelConfigure}, {"conf private", LevelConfigure},
		{"clear system commit", LevelOperator}, {"request system logout bob", LevelOperator},
		{"s", LevelOperator}, // too short to be sure it is show
	} {
		if got := CommandLevel(tt.line); got != tt.want {
			t.Errorf("CommandLevel(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

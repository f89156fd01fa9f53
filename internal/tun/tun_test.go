package tun_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/gnos/gnos/internal/tun"
	"github.com/gnos/gnos/lab"
)

func TestCreateOpen(t *testing.T) {
	if !lab.Permitted() {
		t.Skip("needs root (network namespaces)")
	}
	ns := fmt.Sprintf("gnos-tun%d", os.Getpid()%100000)
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v: %s", err, out)
	}
	defer exec.Command("ip", "netns", "del", ns).Run()
	var queues []*os.File
	err := lab.In(ns, func() error {
		if err := tun.Create("ms-0-0-0.1"); err != nil {
			return err
		}
		if err := tun.Create("ms-0-0-0.1"); err != nil { // exists: fine
			return fmt.Errorf("second create: %w", err)
		}
		for i := 0; i < 3; i++ {
			f, err := tun.Open("ms-0-0-0.1")
			if err != nil {
				return err
			}
			queues = append(queues, f)
		}
		return nil
	})
	defer func() {
		for _, f := range queues {
			f.Close()
		}
	}()
	if err != nil {
		t.Fatal(err)
	}
	out, err := lab.Exec(ns, "ip", "-d", "link", "show", "dev", "ms-0-0-0.1")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"tun type tun", "pi off", "vnet_hdr on", "multi_queue", "persist on"} {
		if !strings.Contains(out, want) {
			t.Errorf("ip -d link: got\n%s\nwant %q", out, want)
		}
	}
	if !tun.VnetHeaders(queues[0]) {
		t.Errorf("VnetHeaders(queue): got false, want true")
	}
	if _, err := lab.Exec(ns, "ip", "link", "show", "dev", "ms-0-0-0.1"); err != nil {
		t.Errorf("device gone while its queues are open: %v", err)
	}
}

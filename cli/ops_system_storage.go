package cli

// show system storage (get-system-storage) reports the one file system
// gnos' users see: the one holding the data directory, mounted on "/"
// of the file area (file list /, save, load). Sizes come from statfs, or
// from Engine.Statfs in tests, and are given as Junos does: 512-byte
// blocks with a human-readable junos:format.

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"syscall"
)

// FSStats are a file system's sizes in bytes.
type FSStats struct {
	Total, Free, Avail uint64
}

type fsUsage struct {
	name, mount              string
	totalKB, usedKB, availKB uint64
}

func (e *Engine) statfs() (FSStats, error) {
	if e.Statfs != nil {
		return e.Statfs()
	}
	if e.DataDir == "" {
		return FSStats{}, fmt.Errorf("file operations are not available")
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(e.DataDir, &st); err != nil {
		return FSStats{}, fmt.Errorf("statfs: %w", err)
	}
	b := uint64(st.Bsize)
	return FSStats{Total: st.Blocks * b, Free: st.Bfree * b, Avail: st.Bavail * b}, nil
}

func (e *Engine) storage() ([]fsUsage, error) {
	st, err := e.statfs()
	if err != nil {
		return nil, err
	}
	return []fsUsage{{name: "/dev/gnos/data", mount: "/", totalKB: st.Total / 1024,
		usedKB: (st.Total - st.Free) / 1024, availKB: st.Avail / 1024}}, nil
}

// humanSize is df -h's rendering of kilobytes: 885M, 1.0K, 20G.
func humanSize(kb uint64) string {
	v := float64(kb) * 1024
	units := []string{"B", "K", "M", "G", "T", "P"}
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f%s", v, units[i])
	}
	if v < 10 {
		return fmt.Sprintf("%.1f%s", v, units[i])
	}
	return fmt.Sprintf("%.0f%s", v, units[i])
}

func blocks(name string, kb uint64) *Elem {
	e := T(name, strconv.FormatUint(kb*2, 10))
	e.Attrs = []xml.Attr{junosAttr("format", humanSize(kb))}
	return e
}

func showStorage(_ context.Context, s *Session, _ Args, _ *Pipeline, _ io.Writer) (*Elem, error) {
	fss, err := s.eng.storage()
	if err != nil {
		return nil, err
	}
	e := E("system-storage-information")
	for _, f := range fss {
		pct := uint64(0)
		if f.usedKB+f.availKB > 0 {
			pct = (f.usedKB*100 + f.usedKB + f.availKB - 1) / (f.usedKB + f.availKB)
		}
		e.Add(E("filesystem", T("filesystem-name", f.name),
			blocks("total-blocks", f.totalKB), blocks("used-blocks", f.usedKB), blocks("available-blocks", f.availKB),
			T("used-percent", fmt.Sprintf("%3d", pct)), T("mounted-on", f.mount)))
	}
	return e, nil
}

func attr(e *Elem, name string) string {
	for _, a := range e.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func textStorage(w io.Writer, e *Elem) {
	fmt.Fprintln(w, "Filesystem              Size       Used      Avail  Capacity   Mounted on")
	for _, f := range e.All("filesystem") {
		fmt.Fprintf(w, "%-23s %4s %10s %10s %8s%%  %s\n", f.Val("filesystem-name"),
			attr(f.Get("total-blocks"), "format"), attr(f.Get("used-blocks"), "format"),
			attr(f.Get("available-blocks"), "format"), strings.TrimSpace(f.Val("used-percent")), f.Val("mounted-on"))
	}
}

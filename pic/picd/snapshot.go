package picd

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/gnos/gnos/pic"
	"github.com/gnos/gnos/pic/dataplane"
)

// Restore after a crash without a secondary (varpd's save/restore): a
// picd with a state directory writes a snapshot of its sessions there
// every SnapshotInterval, on the injected clock: the data path's session
// records (dataplane.SaveSessions: the session core and every plugin's
// HA blob, a slice of each core's sessions at a time, bounded by
// Options.MaxSnapshotBytes) and the control handlers' HA blobs
// (pic.StateSaver). A snapshot is written to a temporary file, synced
// and renamed over the last one, so a kill -9 at any moment leaves the
// previous snapshot or the new one, never a part; its CRC-32C refuses a
// damaged file (logged, nothing restored).
//
// The picd restores it once, at the end of the first resync after it
// starts (its service-sets are installed then): the control blobs as
// EvHAState events, then the sessions, each idle longer by the time the
// snapshot is old, those past their timeout dropped, those of
// service-sets that are gone dropped (the snapshot names each session's
// service-set; reconciled by id and name), and each plugin rebuilding
// its state under the policy the PIC now holds, whatever its
// generation. No snapshot is written before that restore, so a picd that
// restarts before it does not overwrite what it has not restored. A PIC
// taken offline (request chassis pic offline, deconfigured) drops its
// sessions on purpose: its snapshot is removed. A picd stopping cleanly
// (gnos daemon stopped) writes one last snapshot.
//
// Locking: the control blobs are taken under Daemon.mu, which every
// control event of the current runtime is delivered under, so a
// StateSaver runs one event at a time with the rest; the session walk
// and the file write run outside it, and the rename over the last
// snapshot under it again, only if the runtime saved is still the
// current one (a PIC taken offline meanwhile keeps no snapshot).

// SnapshotInterval is how often a picd writes its session snapshot.
const SnapshotInterval = 2 * time.Second

// DefaultMaxSnapshot bounds a snapshot's session records (64 MB: about
// 500,000 sessions of sfw → nat).
const DefaultMaxSnapshot = 64 << 20

const snapshotMagic = "GNOSSNP2" // 2: records carry the session identifier

// SnapshotStatus is what the picd last did with its snapshot.
type SnapshotStatus struct {
	Written  time.Time               `json:"written,omitzero"`
	Sessions int                     `json:"sessions"`
	Skipped  int                     `json:"skipped"`
	Bytes    int                     `json:"bytes"`
	Error    string                  `json:"error,omitempty"`
	Restored *dataplane.RestoreStats `json:"restored,omitempty"` // the restore at start-up
	Age      time.Duration           `json:"restored-age,omitempty"`
}

// snapshotPath is the slot's snapshot file.
func (d *Daemon) snapshotPath() string {
	return filepath.Join(d.o.StateDir, fmt.Sprintf("fpc%d-pic%d.sessions", d.o.Slot.FPC, d.o.Slot.PIC))
}

// armSnapshot schedules the next snapshot of runtime incarnation inc.
// Called with d.mu held.
func (d *Daemon) armSnapshot(inc uint64) {
	if d.o.StateDir == "" {
		return
	}
	if d.snapTimer != nil {
		d.snapTimer.Stop()
	}
	d.snapTimer = d.o.Clock.AfterFunc(SnapshotInterval, func() {
		d.mu.Lock()
		current := d.rt != nil && d.incarnation == inc
		d.mu.Unlock()
		if !current {
			return
		}
		if err := d.Snapshot(context.Background()); err != nil {
			d.o.Log.Warn("pic: session snapshot failed", "err", err)
		}
		d.mu.Lock()
		if d.rt != nil && d.incarnation == inc {
			d.armSnapshot(inc)
		}
		d.mu.Unlock()
	})
}

// Snapshot writes the session snapshot now (the periodic timer calls
// it; so does a clean stop). It does nothing without a state directory,
// without a runtime, or before the start-up restore.
func (d *Daemon) Snapshot(ctx context.Context) error {
	d.mu.Lock()
	rt, pending := d.rt, d.restorePending
	var blobs []ctlBlob
	var err error
	if rt != nil && !pending && d.o.StateDir != "" {
		blobs, err = rt.saveControl(ctx)
	}
	d.mu.Unlock()
	if rt == nil || pending || d.o.StateDir == "" || err != nil {
		return err
	}
	saved, err := rt.DP.SaveSessions(ctx, dataplane.SaveOptions{MaxBytes: d.maxSnapshot()})
	tmp := ""
	if err == nil {
		tmp, err = writeSnapshotTemp(d.snapshotPath(), d.o.Clock.Now(), blobs, saved)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if err == nil && d.rt != rt { // the runtime went (offline, restarted) while saving: keep what it left
		os.Remove(tmp)
		return nil
	}
	if err == nil {
		if err = os.Rename(tmp, d.snapshotPath()); err != nil {
			os.Remove(tmp)
		}
	}
	if err != nil {
		d.snap.Error = err.Error()
		return fmt.Errorf("pic: snapshot: %w", err)
	}
	d.snap.Written, d.snap.Sessions, d.snap.Skipped, d.snap.Bytes, d.snap.Error =
		d.o.Clock.Now(), saved.Sessions, saved.Skipped, len(saved.Records), ""
	return nil
}

func (d *Daemon) maxSnapshot() int {
	if d.o.MaxSnapshotBytes > 0 {
		return d.o.MaxSnapshotBytes
	}
	return DefaultMaxSnapshot
}

// removeSnapshot drops the slot's snapshot (the PIC went offline).
func (d *Daemon) removeSnapshot() {
	if d.o.StateDir == "" {
		return
	}
	if err := os.Remove(d.snapshotPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		d.o.Log.Warn("pic: removing the session snapshot", "err", err)
	}
}

// restoreSnapshot restores the slot's snapshot into rt, once, at the end
// of the first resync. Called with d.mu held.
func (d *Daemon) restoreSnapshot(ctx context.Context, rt *Runtime) {
	if !d.restorePending {
		return
	}
	d.restorePending = false
	b, err := os.ReadFile(d.snapshotPath())
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		d.snap.Error = err.Error()
		d.o.Log.Error("pic: cannot read the session snapshot; nothing restored", "err", err)
		return
	}
	at, blobs, saved, err := readSnapshot(b)
	if err != nil {
		d.snap.Error = err.Error()
		d.o.Log.Error("pic: the session snapshot is damaged; nothing restored", "err", err)
		return
	}
	rt.restoreControl(ctx, blobs)
	age := max(d.o.Clock.Now().Sub(at), 0)
	st, err := rt.DP.RestoreSessions(ctx, saved.Records, saved.Sets, age)
	d.snap.Restored, d.snap.Age = &st, age
	if err != nil {
		d.snap.Error = err.Error()
	}
	rt.lastEvent = fmt.Sprintf("restored %d sessions from a snapshot %s old", st.Restored, age.Truncate(time.Millisecond))
	d.o.Log.Info("pic: sessions restored from the snapshot", "restored", st.Restored, "expired", st.Expired,
		"no-service-set", st.NoServiceSet, "refused", st.Refused, "age", age, "err", err)
}

// ctlBlob is a control handler's HA state blob.
type ctlBlob struct {
	plugin string
	blob   []byte
}

// saveControl asks every loaded plugin's control handler that is a
// pic.StateSaver for its blob.
func (r *Runtime) saveControl(ctx context.Context) ([]ctlBlob, error) {
	var out []ctlBlob
	for _, name := range r.cfg.Packages {
		l := r.plugins[name]
		if l == nil || l.state == "failed" {
			continue
		}
		sv, ok := l.h.(pic.StateSaver)
		if !ok {
			continue
		}
		b, err := sv.SaveState(ctx)
		if err != nil {
			return nil, fmt.Errorf("plugin %s: %w", name, err)
		}
		if len(b) > pic.MaxControlBlob {
			return nil, fmt.Errorf("plugin %s: HA state blob of %d bytes, over %d", name, len(b), pic.MaxControlBlob)
		}
		if b != nil {
			out = append(out, ctlBlob{name, b})
		}
	}
	return out, nil
}

// restoreControl sends each blob to its plugin as EvHAState.
func (r *Runtime) restoreControl(ctx context.Context, blobs []ctlBlob) {
	for _, b := range blobs {
		l := r.plugins[b.plugin]
		if l == nil {
			continue
		}
		if _, err := r.control(ctx, l, &pic.ControlEvent{Kind: pic.EvHAState, Plugin: l.p.Slot(), Blob: b.blob}); err != nil {
			r.log.Warn("pic: plugin refused its HA state", "plugin", b.plugin, "err", err)
		}
	}
}

// The file: magic, u64 wall time (Unix ns), u32 service-sets, each u32
// id, u8 name length, name; u32 control blobs, each u8 name length,
// name, u32 length, blob; u64 records length, records; u32 CRC-32C of
// everything before it.

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// writeSnapshot writes a snapshot file in place of path's.
func writeSnapshot(path string, at time.Time, blobs []ctlBlob, s dataplane.Saved) error {
	tmp, err := writeSnapshotTemp(path, at, blobs, s)
	if err == nil {
		if err = os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
		}
	}
	return err
}

// writeSnapshotTemp writes a snapshot into a synced temporary file beside
// path and returns its name, for the caller to rename over path.
func writeSnapshotTemp(path string, at time.Time, blobs []ctlBlob, s dataplane.Saved) (string, error) {
	b := append([]byte(nil), snapshotMagic...)
	b = binary.LittleEndian.AppendUint64(b, uint64(at.UnixNano()))
	ids := make([]uint32, 0, len(s.Sets))
	for id := range s.Sets {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	b = binary.LittleEndian.AppendUint32(b, uint32(len(ids)))
	for _, id := range ids {
		name := s.Sets[id][:min(len(s.Sets[id]), 255)]
		b = binary.LittleEndian.AppendUint32(b, id)
		b = append(append(b, byte(len(name))), name...)
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(blobs)))
	for _, c := range blobs {
		b = append(append(b, byte(len(c.plugin))), c.plugin...)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(c.blob)))
		b = append(b, c.blob...)
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(len(s.Records)))
	b = append(b, s.Records...)
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return "", err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// errSnapshot is the error of a snapshot file that does not decode.
var errSnapshot = errors.New("not a session snapshot, or damaged")

func readSnapshot(b []byte) (time.Time, []ctlBlob, dataplane.Saved, error) {
	var s dataplane.Saved
	if len(b) < len(snapshotMagic)+8+4+4+8+4 || !bytes.HasPrefix(b, []byte(snapshotMagic)) ||
		crc32.Checksum(b[:len(b)-4], castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return time.Time{}, nil, s, errSnapshot
	}
	b = b[len(snapshotMagic) : len(b)-4]
	rd := reader{b: b}
	at := time.Unix(0, int64(rd.u64()))
	s.Sets = map[uint32]string{}
	for n := rd.u32(); n > 0 && rd.ok(); n-- {
		id := rd.u32()
		s.Sets[id] = string(rd.bytes(int(rd.u8())))
	}
	var blobs []ctlBlob
	for n := rd.u32(); n > 0 && rd.ok(); n-- {
		name := string(rd.bytes(int(rd.u8())))
		blobs = append(blobs, ctlBlob{name, rd.bytes(int(rd.u32()))})
	}
	s.Records = rd.bytes(int(rd.u64()))
	if !rd.ok() || len(rd.b) != 0 {
		return time.Time{}, nil, s, errSnapshot
	}
	return at, blobs, s, nil
}

// reader reads a snapshot; past the end it returns zeros and ok reports
// false.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) ok() bool { return !r.bad }

func (r *reader) bytes(n int) []byte {
	if n < 0 || n > len(r.b) {
		r.bad, r.b = true, nil
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) u8() uint8 {
	if b := r.bytes(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) u32() uint32 {
	if b := r.bytes(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (r *reader) u64() uint64 {
	if b := r.bytes(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

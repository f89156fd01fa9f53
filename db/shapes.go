package db

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/gnos/gnos/configd/tree"
)

// junosShapeLists are the statements that were leaf-lists kept in the
// order they were entered and became, with schema version 3, lists kept in
// key order (their Junos shape): a leaf-list value and a list entry have
// the same stored line, only their order differs. The table is fixed: it
// describes what version 2 stored, not today's schema.
var junosShapeLists = []string{
	"services/stateful-firewall/rule/term/from/source-address",
	"services/stateful-firewall/rule/term/from/destination-address",
	"services/stateful-firewall/rule/term/from/application-sets",
	"services/nat/rule/term/from/source-address",
	"services/nat/rule/term/from/destination-address",
	"services/nat/pool/address",
}

// migrateJunosShapes is version 2 -> 3: statements took the shapes of the
// official Junos model. What version 2 stored reads as the new shapes
// (empty leaves as presence containers, leaf-list values as list entries:
// same lines), except that entries of the lists above must be in key
// order; this puts them in order in the committed chunks, every undo
// record (so rollbacks come back the same way) and the shared candidate.
// The version number also keeps older code, which cannot read the new
// statements (except, layer-3, …), from opening the file.
func migrateJunosShapes(tx *bolt.Tx) error {
	return rewriteChunks(tx, func(v []byte) ([]byte, bool, error) {
		out, err := tree.SortChunkEntries(v, junosShapeLists)
		if err != nil {
			return nil, false, err
		}
		return out, !bytes.Equal(out, v), nil
	})
}

// valueContainers are the statements that were leaves and became, with
// schema version 4, Junos' containers holding one value (gnos-ext:value):
// each path (names from the top, keys left out) and the child leaf that
// holds the value now. Like junosShapeLists, the table describes what
// version 3 stored.
var valueContainers = map[string]string{
	"routing-options/autonomous-system":                                      "as-number",
	"routing-options/static/route/preference":                                "metric-value",
	"routing-options/rib/static/route/preference":                            "metric-value",
	"routing-instances/instance/routing-options/static/route/preference":     "metric-value",
	"routing-instances/instance/routing-options/rib/static/route/preference": "metric-value",
	"interfaces/interface/unit/family/inet/filter/input":                     "filter-name",
	"interfaces/interface/unit/family/inet/filter/output":                    "filter-name",
	"interfaces/interface/unit/family/inet6/filter/input":                    "filter-name",
	"interfaces/interface/unit/family/inet6/filter/output":                   "filter-name",
}

// migrateValueContainers is version 3 -> 4: autonomous-system, a static
// route's preference and an interface's filter input/output took Junos'
// shape, a container holding the value (as-number, metric-value,
// filter-name). Their stored leaf lines become the container's line and
// the value leaf's, in the committed chunks, every undo record and the
// shared candidate (tree.NestChunkValues); text and set print the same.
func migrateValueContainers(tx *bolt.Tx) error {
	return rewriteChunks(tx, func(v []byte) ([]byte, bool, error) {
		out, err := tree.NestChunkValues(v, valueContainers)
		if err != nil {
			return nil, false, err
		}
		return out, !bytes.Equal(out, v), nil
	})
}

// rewriteChunks passes every stored chunk through fix: the committed
// chunks, the chunks of every undo record (so rollbacks come back the same
// way) and the shared candidate's.
func rewriteChunks(tx *bolt.Tx, fix func(v []byte) ([]byte, bool, error)) error {
	committed, err := summedBucket(tx, bucketCommitted)
	if err != nil {
		return err
	}
	if err := rewrite(committed.Bucket, committed.Put, func(k, v []byte) ([]byte, bool, error) {
		if v == nil {
			return nil, false, nil
		}
		return fix(v)
	}); err != nil {
		return fmt.Errorf("committed: %w", err)
	}
	undo, err := summedBucket(tx, bucketUndo)
	if err != nil {
		return err
	}
	if err := rewrite(undo.Bucket, undo.Put, func(k, v []byte) ([]byte, bool, error) {
		d, err := decodeDelta(v)
		if err != nil {
			return nil, false, err
		}
		changed := false
		for key, text := range d {
			if text == nil {
				continue
			}
			out, ch, err := fix(text)
			if err != nil {
				return nil, false, fmt.Errorf("chunk %q: %w", key, err)
			}
			d[key], changed = out, changed || ch
		}
		if !changed {
			return nil, false, nil
		}
		return encodeDelta(nil, d), true, nil
	}); err != nil {
		return fmt.Errorf("undo: %w", err)
	}
	cand, err := bucket(tx, bucketCandidate)
	if err != nil {
		return err
	}
	if err := rewrite(cand, cand.Put, func(k, v []byte) ([]byte, bool, error) {
		text, err := decodeCandidate(v)
		if err != nil || text == nil {
			return nil, false, err
		}
		out, ch, err := fix(text)
		if err != nil || !ch {
			return nil, false, err
		}
		return encodeCandidate(out), true, nil
	}); err != nil {
		return fmt.Errorf("candidate: %w", err)
	}
	return nil
}

// rewrite replaces, through put, the values of b that fn changes. Changes
// are gathered first: bbolt forbids writes while iterating.
func rewrite(b *bolt.Bucket, put func(k, v []byte) error, fn func(k, v []byte) ([]byte, bool, error)) error {
	type kv struct{ k, v []byte }
	var changes []kv
	err := b.ForEach(func(k, v []byte) error {
		out, changed, err := fn(k, v)
		if err != nil {
			return fmt.Errorf("%q: %w", k, err)
		}
		if changed {
			changes = append(changes, kv{bytes.Clone(k), out})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range changes {
		if err := put(c.k, c.v); err != nil {
			return err
		}
	}
	return nil
}

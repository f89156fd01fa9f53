package pic

import (
	"context"
	"encoding/json"
	"fmt"
)

// Preparer is implemented by policy types that build their data-path form
// (parsed prefixes, port ranges, allocators) once decoded, on the control
// core, before the policy is published.
type Preparer interface{ Prepare() error }

// JSONCheck returns the Plugin.Check of a JSONControl plugin: the policy
// must decode into a *T and, when T is a Preparer, prepare.
func JSONCheck[T any]() func(policy []byte) error {
	return func(policy []byte) error {
		v := new(T)
		if err := json.Unmarshal(policy, v); err != nil {
			return fmt.Errorf("bad policy: %w", err)
		}
		if p, ok := any(v).(Preparer); ok {
			return p.Prepare()
		}
		return nil
	}
}

// JSONControl returns the control handler most plugins need: policies are
// JSON-decoded into a *T and published in the policy DB under the
// plugin's slot; deletes remove them. The data path finds them with
// PolicyDB.Lookup(serviceSet, pluginID).Value.(*T).
func JSONControl[T any](plugin string) ControlHandler {
	var db *PolicyDB
	return ControlFunc(func(_ context.Context, ev *ControlEvent) error {
		switch ev.Kind {
		case EvInit:
			db = ev.DB
		case EvPolicyAdd, EvPolicyChange:
			v := new(T)
			if err := json.Unmarshal(ev.Policy, v); err != nil {
				return fmt.Errorf("%s: service-set %s: bad policy: %w", plugin, ev.Name, err)
			}
			if p, ok := any(v).(Preparer); ok {
				if err := p.Prepare(); err != nil {
					return fmt.Errorf("%s: service-set %s: %w", plugin, ev.Name, err)
				}
			}
			return db.Publish(ev.ServiceSet, ev.Plugin, ev.Gen, v, PolicySize(len(ev.Policy)))
		case EvPolicyDelete:
			db.Delete(ev.ServiceSet, ev.Plugin)
		}
		return nil
	})
}

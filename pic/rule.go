package pic

// Rule is a compiled rule of a rule-based plugin (stateful-firewall, nat):
// its name, match-direction and terms in configured order. T is the
// plugin's term, which carries its own then clause; each plugin names its
// instance (type Rule = pic.Rule[Term]), so the policy JSON is the same
// for all of them.
type Rule[T any] struct {
	Name           string `json:"name"`
	MatchDirection string `json:"match-direction"`
	Terms          []T    `json:"terms"`
}

// Applies reports whether the rule's match-direction applies to a session
// whose first packet came on side (MatchesSide).
func (r *Rule[T]) Applies(side Side) bool { return MatchesSide(r.MatchDirection, side) }

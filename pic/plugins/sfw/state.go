package sfw

import "github.com/gnos/gnos/pic"

// The firewall's HA state blob is the decision of the session by name:
// the rule and the term that accepted it (u8 length, rule name, u8
// length, term name). Names, not the indices the session word keeps, so
// that a session saved under one generation of the policy is restored
// under another: the rule and term must still exist and still accept,
// else the session is refused (Junos keeps a session only while a rule
// lets it be).

// SaveSession writes the session's rule and term names.
func (d *Data) SaveSession(c *pic.DataCtx, b []byte) []byte {
	pol, _ := c.Policy.(*Policy)
	ri, ti, ok := decode(pic.Word(c))
	if !ok || pol == nil || ri >= len(pol.Rules) || ti >= len(pol.Rules[ri].Terms) {
		return b
	}
	r := &pol.Rules[ri]
	rule, term := r.Name, r.Terms[ti].Name
	if len(rule)+len(term)+2 > pic.MaxStateBlob {
		return b
	}
	b = append(append(b, byte(len(rule))), rule...)
	return append(append(b, byte(len(term))), term...)
}

// RestoreSession finds the saved rule and term in the current policy and
// keeps the decision; a session the firewall never accepted (no blob),
// or whose rule or term is gone or no longer accepts, is refused.
func (d *Data) RestoreSession(c *pic.DataCtx, blob []byte) pic.Result {
	pol, _ := c.Policy.(*Policy)
	if pol == nil {
		return pic.OK // no firewall policy: the firewall passes everything
	}
	if len(blob) < 2 || int(blob[0])+2 > len(blob) || int(blob[0])+2+int(blob[1+int(blob[0])]) != len(blob) {
		return pic.Drop
	}
	rule, term := blob[1:1+blob[0]], blob[2+int(blob[0]):]
	for ri := range pol.Rules {
		if pol.Rules[ri].Name != string(rule) { // compared in place: no allocation
			continue
		}
		for ti := range pol.Rules[ri].Terms {
			if t := &pol.Rules[ri].Terms[ti]; t.Name == string(term) && t.action == pic.ResultForward {
				pic.SetWord(c, verdict(ri, ti))
				return pic.OK
			}
		}
	}
	return pic.Drop
}

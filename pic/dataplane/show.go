package dataplane

// SessionShower is implemented by data handlers whose commands list
// sessions (Sessions set): ShowSession runs on the session's data core,
// between vectors, for every session of a service-set the plugin has a
// policy for, with the plugin's context (its extension handles, its
// policy) and the session as show services sessions sees it. It returns
// the session's rows, none to leave it out.
type SessionShower interface {
	ShowSession(command string, c *DataCtx, s *SessionInfo) []ShowRow
}

// Field returns the value of the row's field name ("" when absent).
func (r ShowRow) Field(name string) string {
	for _, f := range r {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// ShowRow is one row of a plugin command's reply: ordered name/value
// pairs (element names in XML).
type ShowRow []ShowField

// ShowField is one value of a row.
type ShowField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

package configd

import "github.com/gnos/gnos/db"

// DatabaseUsage reports the configuration store's size and use.
func (c *Configd) DatabaseUsage() (db.Usage, error) { return c.store.Usage() }

package db

import bolt "go.etcd.io/bbolt"

// Usage is how much of the store file holds data.
type Usage struct {
	FileBytes int64 // the file's size
	UsedBytes int64 // the pages in use (the file less its free pages)
}

// Usage reports the store's size and use (show system configuration
// database usage).
func (s *Store) Usage() (Usage, error) {
	var u Usage
	err := s.view("usage", func(tx *bolt.Tx) error {
		u.FileBytes = tx.Size()
		return nil
	})
	st := s.bolt.Stats()
	u.UsedBytes = max(u.FileBytes-int64(st.FreePageN+st.PendingPageN)*int64(s.bolt.Info().PageSize), 0)
	return u, err
}

package servicesd

// SetReplayBatch sets the packets a replay sends per message until the
// returned function restores it.
func SetReplayBatch(n int) (restore func()) {
	old := replayBatch
	replayBatch = n
	return func() { replayBatch = old }
}

// ForgetReplicationBases makes every rsp interface's next replication
// round a whole table (benchmarks of the full round).
func (s *Servicesd) ForgetReplicationBases() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.rsp {
		st.base = replBase{}
	}
}

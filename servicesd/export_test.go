package servicesd

// SetReplayBatch sets the packets a replay sends per message until the
// returned function restores it.
func SetReplayBatch(n int) (restore func()) {
	old := replayBatch
	replayBatch = n
	return func() { replayBatch = old }
}

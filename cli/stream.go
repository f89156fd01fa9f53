package cli

// Streaming: a command that runs for a while (ping, traceroute) can show
// its text as it goes, as Junos does, instead of all at its end. A front
// end that can show partial output asks for it with Stream; the session
// then hands such a command a progress writer (Pipeline.progress) for a
// line without pipes (a pipe needs the whole output: | match, | count,
// | display xml), and what the command writes there goes to the front end
// at once and not again in the Result. Everything else is unchanged.

// Stream makes the session send the output of streaming commands to f as
// it is produced, from the goroutine running the line; nil turns it off.
func (s *Session) Stream(f func(chunk string)) { s.stream = f }

type streamWriter func(string)

func (f streamWriter) Write(p []byte) (int, error) {
	f(string(p))
	return len(p), nil
}

// progressFor gives p a progress writer when the session streams and the
// line has no pipe.
func (s *Session) progressFor(p *Pipeline) {
	if s.stream != nil && s.cfg == nil && p.display == "" && len(p.filters) == 0 && p.save == "" && !p.compare {
		p.progress = streamWriter(s.stream)
	}
}

package term

import (
	"errors"
	"sync"

	prompt "github.com/c-bata/go-prompt"
)

// lineParser is go-prompt's terminal reader, made to hand go-prompt one
// keystroke at a time. go-prompt takes each read as one key (a read of
// "sh\t" would insert a literal TAB), so the parser splits what the
// terminal sends into keys (keySplitter) and queues them.
//
// Only Enter, Ctrl-C and Ctrl-D reach go-prompt as themselves (it runs the
// executor and exits on them). The other keys are stashed and replaced by
// keyMarker, a sequence no terminal sends, bound to the front end's key
// handler (editor.key), which reads the stashed keys: the editor, not
// go-prompt, decides what a key means, in every mode (searching the
// history, answering a question). The keys queued before the next Enter
// go together: handled in order, they mean what they would one at a
// time, and a paste costs one render a line, not one a key.
//
// A key is handed out only once go-prompt has drawn the line after the
// previous one (its live prefix is asked for on every render): go-prompt
// never holds keys in its own queue, so whatever the executor reads (the
// pager's keys) comes in the order it was typed. After Enter the gate
// stays shut until the executor is done (execDone).
//
// Read runs on go-prompt's reader goroutine, the rest on its main one;
// mu guards the queue and the gate.
type lineParser struct {
	prompt.ConsoleParser

	mu         sync.Mutex
	split      keySplitter
	keys       [][]byte // split, not yet handed out
	stash      [][]byte // the keys behind the last keyMarker
	ready      bool     // go-prompt has drawn the line: the next key may go
	executing  bool     // Enter went out: shut until execDone
	collecting bool     // load … terminal is reading: Ctrl-D ends the input
}

// keyMarker stands for a stashed key (an APC string: terminals never send
// one).
var keyMarker = []byte("\x1b_gnos-key\x1b\\")

// errNoKey makes go-prompt's reader try again later.
var errNoKey = errors.New("term: no key yet")

func newLineParser() *lineParser {
	return &lineParser{ConsoleParser: prompt.NewStandardInputParser(), ready: true}
}

// Read hands go-prompt the next key (see the type's comment).
func (p *lineParser) Read() ([]byte, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.ready || p.executing {
		return nil, errNoKey
	}
	if len(p.keys) == 0 {
		b, err := p.ConsoleParser.Read()
		if err != nil {
			return nil, err
		}
		p.keys = append(p.keys, p.split.feed(b)...)
		if len(p.keys) == 0 {
			return nil, errNoKey
		}
	}
	k := p.keys[0]
	p.keys = p.keys[1:]
	if len(k) == 1 && k[0] == 4 && p.collecting {
		// Ctrl-D would make go-prompt exit: "^D" and Enter end load …
		// terminal input instead
		k, p.keys = []byte{'^'}, append([][]byte{{'D'}, {'\r'}}, p.keys...)
	}
	p.ready = false
	if native(k) {
		p.executing = k[0] == '\r'
		return k, nil
	}
	// the keys up to the next one go-prompt must see go to the editor
	// together: it handles them one after the other, exactly as if they
	// came one a render, but a paste is drawn once, not once a key
	p.stash = [][]byte{k}
	for len(p.keys) > 0 && !native(p.keys[0]) {
		p.stash = append(p.stash, p.keys[0])
		p.keys = p.keys[1:]
	}
	return keyMarker, nil
}

// native reports whether go-prompt must see key k itself.
func native(k []byte) bool {
	return len(k) == 1 && (k[0] == '\r' || k[0] == 3 || k[0] == 4)
}

// drawn is called on every render: the next key may go.
func (p *lineParser) drawn() {
	p.mu.Lock()
	p.ready = true
	p.mu.Unlock()
}

// stashed returns the keys behind the keyMarker go-prompt is handling.
func (p *lineParser) stashed() [][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stash
}

// execDone opens the gate after the executor has run.
func (p *lineParser) execDone() {
	p.mu.Lock()
	p.executing = false
	p.mu.Unlock()
}

func (p *lineParser) setCollecting(on bool) {
	p.mu.Lock()
	p.collecting = on
	p.mu.Unlock()
}

// readKey reads the next key for the executor (the pager), blocking; it
// is called while go-prompt's reader is stopped and the terminal is in
// the mode the caller set.
func (p *lineParser) readKey() ([]byte, error) {
	for {
		p.mu.Lock()
		if len(p.keys) > 0 {
			k := p.keys[0]
			p.keys = p.keys[1:]
			p.mu.Unlock()
			return k, nil
		}
		p.mu.Unlock()
		b, err := p.ConsoleParser.Read()
		if err != nil {
			return nil, err
		}
		if len(b) == 0 {
			return nil, errors.New("term: end of input")
		}
		p.mu.Lock()
		p.keys = append(p.keys, p.split.feed(b)...)
		p.mu.Unlock()
	}
}

// GetWinSize is the terminal's size; one that reports none (0 columns,
// which makes go-prompt divide by zero) is taken as 80×24.
func (p *lineParser) GetWinSize() *prompt.WinSize {
	ws := p.ConsoleParser.GetWinSize()
	if ws == nil || ws.Col == 0 || ws.Row == 0 {
		return &prompt.WinSize{Row: 24, Col: 80}
	}
	return ws
}

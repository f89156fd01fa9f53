package netconf

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Framing errors. ErrTooBig and ErrFraming end the session: after either
// the reader can no longer tell where the next message starts.
var (
	ErrTooBig  = errors.New("netconf: message too big")
	ErrFraming = errors.New("netconf: bad chunked framing")
)

// eom is base:1.0's end-of-message marker (RFC 6242 section 4.3).
const eom = "]]>]]>"

// maxChunk bounds one chunk's declared size (RFC 6242: 1..4294967295).
const maxChunk = 4294967295

// Reader reads NETCONF messages in either framing. It starts in base:1.0
// end-of-message framing; Chunked switches it to base:1.1 after the hello
// exchange. A Reader is used by one goroutine.
type Reader struct {
	r       *bufio.Reader
	max     int
	chunked bool
	budget  *budget // shared by all sessions' readers; nil: unbounded
	held    int64   // taken from budget for the current message
}

// NewReader reads messages of at most max bytes from r.
func NewReader(r io.Reader, max int) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// Chunked switches to base:1.1 chunked framing.
func (r *Reader) Chunked() { r.chunked = true }

// Release gives back what the last message took from the budget: call it
// once the message has been answered.
func (r *Reader) Release() {
	r.budget.give(r.held)
	r.held = 0
}

// reserve makes sure the budget covers n bytes of the current message.
func (r *Reader) reserve(n int) bool {
	for int64(n) > r.held {
		if !r.budget.take(budgetStep) {
			return false
		}
		r.held += budgetStep
	}
	return true
}

// Read returns the next message, without its framing. io.EOF means the
// peer closed between messages; io.ErrUnexpectedEOF in the middle of one.
// ErrBusy means the budget shared by all sessions could not hold it: the
// message was read to its end and dropped, and the returned bytes are only
// its beginning (enough to name the rpc).
func (r *Reader) Read() ([]byte, error) {
	if r.chunked {
		return r.readChunked()
	}
	return r.readEOM()
}

func (r *Reader) readEOM() ([]byte, error) {
	var msg []byte
	for {
		part, err := r.r.ReadSlice('>')
		if !r.reserve(len(msg) + len(part)) {
			return r.discardEOM(msg, part, err)
		}
		msg = append(msg, part...)
		switch {
		case err == bufio.ErrBufferFull:
		case err == io.EOF && len(bytes.TrimSpace(msg)) > 0:
			return nil, io.ErrUnexpectedEOF
		case err != nil:
			return nil, err
		case bytes.HasSuffix(msg, []byte(eom)):
			return msg[:len(msg)-len(eom)], nil
		}
		if len(msg) > r.max+len(eom) {
			return nil, ErrTooBig
		}
	}
}

// discardEOM reads the rest of a message the budget refused, keeping only
// what was stored so far (prefix) and the last bytes to find the marker.
func (r *Reader) discardEOM(prefix, part []byte, err error) ([]byte, error) {
	tail := append(bytes.Clone(prefix[max(0, len(prefix)-len(eom)):]), part...)
	prefix = keepPrefix(prefix, part)
	for {
		switch {
		case err == bufio.ErrBufferFull:
		case err != nil:
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		case bytes.HasSuffix(tail, []byte(eom)):
			return prefix, ErrBusy
		}
		tail = tail[max(0, len(tail)-len(eom)):]
		part, err = r.r.ReadSlice('>')
		tail = append(tail, part...)
	}
}

// peekSize is how much of a refused message is kept to name its rpc.
const peekSize = 4 << 10

func keepPrefix(prefix, part []byte) []byte {
	if n := peekSize - len(prefix); n > 0 {
		return append(prefix, part[:min(n, len(part))]...)
	}
	return prefix
}

// readChunked reads chunks "\n#SIZE\n" DATA … up to the end-of-chunks
// marker "\n##\n" (RFC 6242 section 4.2).
func (r *Reader) readChunked() ([]byte, error) {
	var msg []byte
	for first := true; ; first = false {
		size, end, err := r.chunkHeader()
		if err != nil {
			if first && err == io.EOF {
				return nil, io.EOF
			}
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if end {
			if first {
				return nil, fmt.Errorf("%w: end of chunks before any chunk", ErrFraming)
			}
			return msg, nil
		}
		if len(msg)+size > r.max {
			return nil, ErrTooBig
		}
		if !r.reserve(len(msg) + size) {
			return r.discardChunks(msg, size)
		}
		start := len(msg)
		msg = append(msg, make([]byte, size)...)
		if _, err := io.ReadFull(r.r, msg[start:]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
}

// discardChunks skips the rest of a chunked message the budget refused,
// starting with a chunk of size bytes whose header was read.
func (r *Reader) discardChunks(prefix []byte, size int) ([]byte, error) {
	if len(prefix) < peekSize {
		head := make([]byte, min(size, peekSize-len(prefix)))
		if _, err := io.ReadFull(r.r, head); err != nil {
			return nil, io.ErrUnexpectedEOF
		}
		prefix = append(prefix, head...)
		size -= len(head)
	}
	for {
		if _, err := io.CopyN(io.Discard, r.r, int64(size)); err != nil {
			return nil, io.ErrUnexpectedEOF
		}
		n, end, err := r.chunkHeader()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		if end {
			return prefix, ErrBusy
		}
		size = n
	}
}

// chunkHeader reads "\n#SIZE\n" (end false) or "\n##\n" (end true).
func (r *Reader) chunkHeader() (size int, end bool, err error) {
	b, err := r.r.ReadByte()
	if err != nil {
		return 0, false, err
	}
	if b != '\n' {
		return 0, false, fmt.Errorf("%w: expected newline, got %q", ErrFraming, b)
	}
	if b, err = r.r.ReadByte(); err != nil {
		return 0, false, err
	}
	if b != '#' {
		return 0, false, fmt.Errorf("%w: expected '#', got %q", ErrFraming, b)
	}
	var digits []byte
	for {
		if b, err = r.r.ReadByte(); err != nil {
			return 0, false, err
		}
		if b == '#' && len(digits) == 0 {
			if b, err = r.r.ReadByte(); err != nil {
				return 0, false, err
			}
			if b != '\n' {
				return 0, false, fmt.Errorf("%w: bad end-of-chunks marker", ErrFraming)
			}
			return 0, true, nil
		}
		if b == '\n' {
			break
		}
		if b < '0' || b > '9' || len(digits) >= 10 || (len(digits) == 0 && b == '0') {
			return 0, false, fmt.Errorf("%w: bad chunk size", ErrFraming)
		}
		digits = append(digits, b)
	}
	n, err := strconv.ParseUint(string(digits), 10, 64)
	if err != nil || n == 0 || n > maxChunk {
		return 0, false, fmt.Errorf("%w: bad chunk size %q", ErrFraming, digits)
	}
	if n > uint64(r.max) {
		return 0, false, ErrTooBig
	}
	return int(n), false, nil
}

// Writer frames outgoing messages. It is used by one goroutine at a time
// (the session serialises replies).
type Writer struct {
	w       io.Writer
	chunked bool
}

// NewWriter frames messages onto w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Chunked switches to base:1.1 chunked framing.
func (w *Writer) Chunked() { w.chunked = true }

// Write sends one message as a single write of the framed bytes.
func (w *Writer) Write(msg []byte) error {
	var b bytes.Buffer
	b.Grow(len(msg) + 32)
	if w.chunked {
		if len(msg) > 0 {
			fmt.Fprintf(&b, "\n#%d\n", len(msg))
			b.Write(msg)
		}
		b.WriteString("\n##\n")
	} else {
		b.Write(msg)
		b.WriteString(eom)
	}
	_, err := w.w.Write(b.Bytes())
	return err
}

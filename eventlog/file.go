package eventlog

import (
	"fmt"
	"os"
	"path/filepath"
)

// file is an open log file and its size.
type file struct {
	f    *os.File
	size int64
}

func (f *file) close() {
	if f.f != nil {
		f.f.Close()
	}
}

// writeFile appends line to d's file, archiving it first when the line
// would take it past its size: NAME becomes NAME.0, NAME.0 NAME.1, … up
// to files archives (the oldest goes). l.mu held.
func (l *Log) writeFile(d *dest, line string) {
	f := l.files[d.name]
	if f == nil {
		var err error
		if f, err = l.open(d.name); err != nil {
			return
		}
		l.files[d.name] = f
	}
	if d.maxSize > 0 && f.size > 0 && f.size+int64(len(line)) > d.maxSize {
		f.close()
		l.rotate(d.name, d.maxFiles)
		var err error
		if f, err = l.open(d.name); err != nil {
			delete(l.files, d.name)
			return
		}
		l.files[d.name] = f
	}
	n, _ := f.f.WriteString(line)
	f.size += int64(n)
	l.watched(d.name, line)
}

func (l *Log) open(name string) (*file, error) {
	if err := os.MkdirAll(l.o.Dir, 0o750); err != nil {
		return nil, err
	}
	fh, err := os.OpenFile(filepath.Join(l.o.Dir, name), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return nil, err
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, err
	}
	return &file{f: fh, size: st.Size()}, nil
}

func (l *Log) rotate(name string, files int) {
	base := filepath.Join(l.o.Dir, name)
	if files < 1 {
		os.Remove(base)
		return
	}
	os.Remove(fmt.Sprintf("%s.%d", base, files-1))
	for i := files - 2; i >= 0; i-- {
		os.Rename(fmt.Sprintf("%s.%d", base, i), fmt.Sprintf("%s.%d", base, i+1))
	}
	os.Rename(base, base+".0")
}

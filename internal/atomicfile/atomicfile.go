// Package atomicfile replaces files atomically: the data goes to a
// temporary file in the same directory, which is then renamed over the
// target, so a failed write never leaves half a file. The CLI's saves and
// servicesd's capture files use it.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write replaces the file at path with data.
func Write(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".save-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Sync(); err != nil { // on disk before it replaces the old file
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}

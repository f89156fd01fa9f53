package cli

import (
	"io/fs"
	"syscall"
)

type statInfo struct{ uid, links int }

// sysStat reads the owner and link count of a file.
func sysStat(fi fs.FileInfo) (statInfo, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return statInfo{}, false
	}
	return statInfo{uid: int(st.Uid), links: int(st.Nlink)}, true
}

package cli

import (
	"io/fs"
	"os/user"
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

// lookupUID names a numeric user id.
func lookupUID(uid string) (string, error) {
	u, err := user.LookupId(uid)
	if err != nil {
		return "", err
	}
	return u.Username, nil
}

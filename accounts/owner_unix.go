//go:build unix

package accounts

import (
	"os"
	"syscall"
)

// ownedByOther reports whether the file belongs to a user other than the
// one running kosmo, and that user's id.
func ownedByOther(st os.FileInfo) (uint32, bool) {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return sys.Uid, int(sys.Uid) != os.Geteuid()
}

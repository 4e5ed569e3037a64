package luabridge

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/kosmo-run/kosmo/integration"
	"github.com/kosmo-run/kosmo/internal/fileread"
	lua "github.com/kosmo-run/kosmo/third_party/gopher-lua"
)

// FileGrants give a script fs.read, fs.read_base64 and fs.write below
// chosen directories, and nowhere else. The zero value grants nothing: the
// fs functions then refuse, naming the flag that grants access.
type FileGrants struct {
	// Read lists the directories below which fs.read and fs.read_base64 may
	// read files.
	Read []string
	// Write lists the directories below which fs.write may create and
	// replace files.
	Write []string
	// WorkDir resolves the relative paths a script gives, and relative
	// grants; when empty, relative paths are refused.
	WorkDir string
	// Protected are the host's own files, which no grant covers: its
	// configuration files (also those it would load if they existed), key
	// files, audit log and store. fs.read and fs.read_base64 refuse them and fs.write
	// refuses to create or replace them, by path and by identity (device
	// and inode), so that a symbolic or hard link to one is refused too.
	Protected []string
	// Secrets are removed from whatever fs.read and fs.read_base64 return
	// (each replaced by its redacted form): the keys the host holds.
	Secrets []integration.Secret
	// WriteQuota is the most bytes fs.write may write in one VM's life (one
	// kosmo run); 0 means DefaultWriteQuota, negative means no quota.
	WriteQuota int64
}

// DefaultWriteQuota is the write quota of a VM unless FileGrants says: far
// above what a script writes as reports or extracted data, far below what
// fills a disk.
const DefaultWriteQuota = 1 << 30

// grant is one granted directory, opened on first use. Files are opened
// through an os.Root, so that no symbolic link, however it changes, leads
// out of it.
type grant struct {
	dir, real string
	root      *os.Root
}

type fileGrants struct {
	read, write []*grant
	workDir     string
	protected   []string
	secrets     []integration.Secret
	quota       int64
	written     int64
}

func newFileGrants(fg FileGrants) *fileGrants {
	fsg := &fileGrants{workDir: fg.WorkDir, secrets: fg.Secrets, quota: fg.WriteQuota}
	if fsg.quota == 0 {
		fsg.quota = DefaultWriteQuota
	}
	for _, p := range fg.Protected {
		if !filepath.IsAbs(p) && fg.WorkDir != "" {
			p = filepath.Join(fg.WorkDir, p)
		}
		fsg.protected = append(fsg.protected, realPath(filepath.Clean(p)))
	}
	list := func(dirs []string) []*grant {
		var out []*grant
		for _, d := range dirs {
			if !filepath.IsAbs(d) {
				if fg.WorkDir == "" {
					continue
				}
				d = filepath.Join(fg.WorkDir, d)
			}
			d = filepath.Clean(d)
			real, err := filepath.EvalSymlinks(d)
			if err != nil {
				real = d
			}
			out = append(out, &grant{dir: d, real: real})
		}
		return out
	}
	fsg.read, fsg.write = list(fg.Read), list(fg.Write)
	return fsg
}

func (fsg *fileGrants) close() {
	for _, list := range [][]*grant{fsg.read, fsg.write} {
		for _, g := range list {
			if g.root != nil {
				_ = g.root.Close()
				g.root = nil
			}
		}
	}
}

// within returns path relative to dir when path is dir or below it.
func within(dir, path string) (string, bool) {
	rel, err := filepath.Rel(dir, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return rel, true
}

// access says which flag grants an fs function.
type access struct {
	fn, verb, flag string
}

// resolve finds the grant that holds path and the path relative to it, or
// raises the refusal.
func (fsg *fileGrants) resolve(L *lua.LState, a access, grants []*grant, path string) (*grant, string) {
	if len(grants) == 0 {
		L.RaiseError("%s: %s files is not allowed; run kosmo with %s=DIR to grant a directory", a.fn, a.verb, a.flag)
	}
	if path == "" || strings.ContainsRune(path, 0) {
		L.ArgError(1, "a file path expected")
	}
	for _, part := range strings.Split(filepath.ToSlash(path), "/") {
		if part == ".." {
			L.RaiseError("%s: %q: paths may not contain '..'", a.fn, path)
		}
	}
	abs := path
	if !filepath.IsAbs(path) {
		if fsg.workDir == "" {
			L.RaiseError("%s: %q: a relative path needs a working directory; give an absolute path", a.fn, path)
		}
		abs = filepath.Join(fsg.workDir, path)
	}
	abs = filepath.Clean(abs)
	dirs := make([]string, 0, len(grants))
	for _, g := range grants {
		dirs = append(dirs, g.dir)
		for _, base := range []string{g.dir, g.real} {
			if rel, ok := within(base, abs); ok {
				if escapes(g, abs) {
					L.RaiseError("%s: %q: refused: a symbolic link leads outside the directory granted with %s (%s)", a.fn, path, a.flag, g.dir)
				}
				return g, rel
			}
		}
	}
	L.RaiseError("%s: %q: refused: it is not below a directory granted with %s (granted: %s)", a.fn, path, a.flag, strings.Join(dirs, ", "))
	return nil, ""
}

// escapes reports whether abs, with its symbolic links followed, is outside
// the grant. A file that does not exist yet is judged by its folder.
func escapes(g *grant, abs string) bool {
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		dir, derr := filepath.EvalSymlinks(filepath.Dir(abs))
		if derr != nil {
			return false // nothing there: the open reports it
		}
		real = filepath.Join(dir, filepath.Base(abs))
	}
	_, ok := within(g.real, real)
	return !ok
}

func (g *grant) open() (*os.Root, error) {
	if g.root == nil {
		r, err := os.OpenRoot(g.dir)
		if err != nil {
			return nil, err
		}
		g.root = r
	}
	return g.root, nil
}

// fileError turns an error of the file system into a message without Go
// types.
func fileError(err error) string {
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.As(err, &pe):
		return pe.Err.Error()
	}
	return err.Error()
}

// openFS installs fs.read, fs.read_base64 and fs.write.
func (vm *VM) openFS() {
	L := vm.L
	mod := L.NewTable()
	mod.RawSetString("read", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(vm.readFile(L, access{"fs.read", "reading", "--allow-read"}, false)))
		return 1
	}))
	mod.RawSetString("read_base64", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(vm.readFile(L, access{"fs.read_base64", "reading", "--allow-read"}, true)))
		return 1
	}))
	mod.RawSetString("write", L.NewFunction(vm.writeFile))
	L.SetGlobal("fs", mod)
}

// readFile reads a regular file below a read grant, whole, within the
// string limit; asBase64 returns it base64-encoded.
func (vm *VM) readFile(L *lua.LState, a access, asBase64 bool) string {
	checkContext(L)
	path := L.CheckString(1)
	fsg := vm.g.files
	g, rel := fsg.resolve(L, a, fsg.read, path)
	root, err := g.open()
	if err != nil {
		L.RaiseError("%s: %q: %s", a.fn, path, fileError(err))
	}
	// O_NONBLOCK: opening a FIFO must not wait for a writer.
	f, err := root.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		L.RaiseError("%s: %q: %s", a.fn, path, fileError(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		L.RaiseError("%s: %q: %s", a.fn, path, fileError(err))
	}
	if !st.Mode().IsRegular() {
		L.RaiseError("%s: %q: not a regular file", a.fn, path)
	}
	if fsg.isProtected(filepath.Join(g.dir, rel), st) {
		L.RaiseError("%s: %q: %s", a.fn, path, refusedOwnFile)
	}
	limit := int64(vm.g.lim.MaxString)
	if asBase64 {
		limit = limit / 4 * 3
	}
	if st.Size() > limit {
		L.RaiseError("%s: %q: the file is %d bytes, more than the limit of %d", a.fn, path, st.Size(), limit)
	}
	// The bytes read and the string made of them (or of their base64).
	need := 2 * float64(st.Size())
	if asBase64 {
		need += float64(st.Size()) * 4 / 3
	}
	vm.g.reserve(L, a.fn, need)
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		L.RaiseError("%s: %q: %s", a.fn, path, fileError(err))
	}
	if int64(len(data)) > limit {
		L.RaiseError("%s: %q: the file is more than %d bytes", a.fn, path, limit)
	}
	text := fsg.scrub(string(data))
	if asBase64 {
		return base64.StdEncoding.EncodeToString([]byte(text))
	}
	return text
}

// writeFile is fs.write(path, data): it creates or replaces a regular file
// below a write grant, atomically: the data goes to a temporary file in the
// same folder, synced, then renamed over the old file, whose mode it keeps.
// A failed write leaves the old file as it was. What a VM writes counts
// against its write quota.
func (vm *VM) writeFile(L *lua.LState) int {
	checkContext(L)
	a := access{"fs.write", "writing", "--allow-write"}
	path := L.CheckString(1)
	data := L.CheckString(2)
	fsg := vm.g.files
	g, rel := fsg.resolve(L, a, fsg.write, path)
	root, err := g.open()
	if err != nil {
		L.RaiseError("%s: %q: %s", a.fn, path, fileError(err))
	}
	existing, _ := root.Stat(rel)
	if fsg.isProtected(filepath.Join(g.dir, rel), existing) {
		L.RaiseError("%s: %q: %s", a.fn, path, refusedOwnFile)
	}
	mode := os.FileMode(0o644)
	if st, err := root.Lstat(rel); err == nil {
		if !st.Mode().IsRegular() {
			L.RaiseError("%s: %q: not a regular file", a.fn, path)
		}
		mode = st.Mode().Perm()
	}
	if fsg.quota > 0 && fsg.written+int64(len(data)) > fsg.quota {
		L.RaiseError("%s: %q: refused: writing %d more bytes would pass the write quota of %s for this run (%d bytes written so far); raise it with --write-quota",
			a.fn, path, len(data), fileread.Size(fsg.quota), fsg.written)
	}
	if err := replaceFile(root, rel, data, mode, existing != nil && existing.Mode().IsRegular()); err != nil {
		L.RaiseError("%s: %q: %s", a.fn, path, fileError(err))
	}
	fsg.written += int64(len(data))
	return 0
}

// refusedOwnFile is the refusal of a file the host protects.
const refusedOwnFile = "refused: this is one of kosmo's own files (its configuration, a key file, the audit log or the store), which no grant covers"

// replaceFile writes data to rel below root through a temporary file renamed
// over it; keepMode sets the old file's mode on the new one exactly.
func replaceFile(root *os.Root, rel string, data string, mode os.FileMode, keepMode bool) error {
	var tmp string
	var f *os.File
	for range 10 {
		tmp = filepath.Join(filepath.Dir(rel), ".kosmo-write-"+strings.ToLower(rand.Text()[:12])+".tmp")
		var err error
		if f, err = root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode); err == nil {
			break
		} else if !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	if f == nil {
		return errors.New("cannot create a temporary file")
	}
	_, err := io.WriteString(f, data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && keepMode {
		err = root.Chmod(tmp, mode)
	}
	if err == nil {
		err = root.Rename(tmp, rel)
	}
	if err != nil {
		_ = root.Remove(tmp)
	}
	return err
}

// isProtected reports whether the file at abs (st, when it exists) is one of
// the protected files: the same path once folders' links are followed, or
// the same file.
func (fsg *fileGrants) isProtected(abs string, st os.FileInfo) bool {
	cand := realPath(abs)
	for _, p := range fsg.protected {
		if cand == p {
			return true
		}
		if full, err := filepath.EvalSymlinks(p); err == nil && full == cand {
			return true
		}
		if st == nil {
			continue
		}
		if pst, err := os.Stat(p); err == nil && os.SameFile(pst, st) {
			return true
		}
	}
	return false
}

// realPath is path with the symbolic links of its folder followed.
func realPath(path string) string {
	dir, err := filepath.EvalSymlinks(filepath.Dir(path))
	if err != nil {
		return path
	}
	return filepath.Join(dir, filepath.Base(path))
}

// scrub replaces every secret in s with its redacted form.
func (fsg *fileGrants) scrub(s string) string {
	for _, k := range fsg.secrets {
		if v := k.Reveal(); v != "" && strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, k.Redacted())
		}
	}
	return s
}

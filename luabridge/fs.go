package luabridge

import (
	"encoding/base64"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	lua "github.com/yuin/gopher-lua"
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
}

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
}

func newFileGrants(fg FileGrants) *fileGrants {
	fsg := &fileGrants{workDir: fg.WorkDir}
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
	if asBase64 {
		return base64.StdEncoding.EncodeToString(data)
	}
	return string(data)
}

// writeFile is fs.write(path, data): it creates or replaces a regular file
// below a write grant.
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
	if st, err := root.Lstat(rel); err == nil && !st.Mode().IsRegular() {
		L.RaiseError("%s: %q: not a regular file", a.fn, path)
	}
	f, err := root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NONBLOCK, 0o644)
	if err != nil {
		L.RaiseError("%s: %q: %s", a.fn, path, fileError(err))
	}
	_, werr := io.WriteString(f, data)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		L.RaiseError("%s: %q: %s", a.fn, path, fileError(werr))
	}
	return 0
}

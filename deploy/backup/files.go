package backup

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// FileEntry is one file of a backup.
type FileEntry struct {
	Path   string `json:"path"` // slash-separated, relative to the backup folder
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"` // hex
	Mode   uint32 `json:"mode"`   // permission bits
}

// copyFile copies src to dst (new), syncing it, and returns its entry
// named rel. A source that does not exist returns an error matching
// fs.ErrNotExist and leaves no dst.
func copyFile(src, dst, rel string) (FileEntry, error) {
	in, err := os.Open(src)
	if err != nil {
		return FileEntry{}, err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return FileEntry{}, err
	}
	if !st.Mode().IsRegular() {
		return FileEntry{}, &fs.PathError{Op: "copy", Path: src, Err: errors.New("not a regular file")}
	}
	return writeFile(dst, rel, st.Mode().Perm(), func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

// writeFile creates dst with what fill writes, hashing it on the way, and
// syncs it.
func writeFile(dst, rel string, perm fs.FileMode, fill func(io.Writer) error) (FileEntry, error) {
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return FileEntry{}, err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, perm)
	if err != nil {
		return FileEntry{}, err
	}
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(out, h)}
	err = fill(cw)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
		return FileEntry{}, err
	}
	return FileEntry{Path: filepath.ToSlash(rel), Size: cw.n, SHA256: hex.EncodeToString(h.Sum(nil)), Mode: uint32(perm)}, nil
}

// hashFile returns a file's size and SHA-256.
func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

package backup

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// ManifestName is the manifest's file in a backup folder, written last: a
// folder without it is an interrupted backup.
const ManifestName = "backup.json"

// manifestFormat is the manifest's layout version.
const manifestFormat = 1

// Manifest describes a backup: when and by what it was taken, and every
// file and folder it holds.
type Manifest struct {
	Format    int            `json:"format"`
	Started   time.Time      `json:"started"` // the database snapshots are of this moment or a little after
	Finished  time.Time      `json:"finished"`
	Version   string         `json:"version"` // of the program that took it
	Source    string         `json:"source"`  // the data folder
	Databases []DatabaseInfo `json:"databases"`
	MinIO     *MinIOInfo     `json:"minio,omitempty"`
	Notes     []string       `json:"notes,omitempty"`
	Dirs      []string       `json:"dirs"`
	Files     []FileEntry    `json:"files"`
}

// Size is the total size of the backup's files.
func (m *Manifest) Size() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Size
	}
	return n
}

// CorruptError says that a backup's file is missing or differs from its
// manifest.
type CorruptError struct {
	Path   string // slash-separated, in the backup folder
	Detail string
}

func (e *CorruptError) Error() string { return fmt.Sprintf("%s: %s", e.Path, e.Detail) }

// ErrIncomplete: the folder has no manifest (not a backup, or one
// interrupted before its end).
var ErrIncomplete = errors.New("no " + ManifestName + ": not a backup, or an interrupted one")

// writeManifest writes m into dir atomically.
func writeManifest(dir string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, ManifestName+".tmp")
	if _, err := writeFile(tmp, ManifestName+".tmp", 0o640, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	}); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, ManifestName)); err != nil {
		return err
	}
	return syncDir(dir)
}

// ReadManifest reads a backup folder's manifest and checks that its paths
// stay inside the folder.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrIncomplete
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, &CorruptError{Path: ManifestName, Detail: err.Error()}
	}
	if m.Format != manifestFormat {
		return nil, &CorruptError{Path: ManifestName, Detail: fmt.Sprintf("format %d, this program reads %d", m.Format, manifestFormat)}
	}
	for _, p := range append(append([]string{}, m.Dirs...), filesOf(&m)...) {
		if !filepath.IsLocal(filepath.FromSlash(p)) || p == ManifestName {
			return nil, &CorruptError{Path: ManifestName, Detail: fmt.Sprintf("path %q outside the backup", p)}
		}
	}
	return &m, nil
}

func filesOf(m *Manifest) []string {
	out := make([]string, len(m.Files))
	for i, f := range m.Files {
		out[i] = f.Path
	}
	return out
}

// Verify reads a backup folder's manifest and checks every file's size
// and SHA-256 against it; the first difference is a *CorruptError naming
// the file.
func Verify(dir string) (*Manifest, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	for _, f := range m.Files {
		n, sum, err := hashFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, &CorruptError{Path: f.Path, Detail: "missing"}
		case err != nil:
			return nil, err
		case n != f.Size:
			return nil, &CorruptError{Path: f.Path, Detail: fmt.Sprintf("%d bytes, the manifest says %d", n, f.Size)}
		case sum != f.SHA256:
			return nil, &CorruptError{Path: f.Path, Detail: "SHA-256 differs from the manifest's"}
		}
	}
	return m, nil
}

// syncDir flushes a folder's entries.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

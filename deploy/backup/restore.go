package backup

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Restore brings the empty (or missing) data folder dataDir back to the
// backup in dir: it verifies every file of the backup against the
// manifest before it writes anything, then copies them, checking each copy
// again and each database's integrity. On failure nothing is left in
// dataDir.
func Restore(ctx context.Context, dir, dataDir string) (m *Manifest, err error) {
	if m, err = ReadManifest(dir); err != nil {
		return nil, err
	}
	if err := refuseNonEmpty(dataDir); err != nil {
		return nil, err
	}
	if m, err = Verify(dir); err != nil {
		return nil, err
	}
	if err := ensureEmpty(dataDir); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			clearDir(dataDir)
		}
	}()
	for _, d := range m.Dirs {
		if err := os.MkdirAll(filepath.Join(dataDir, filepath.FromSlash(d)), 0o750); err != nil {
			return nil, err
		}
	}
	for _, f := range m.Files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rel := filepath.FromSlash(f.Path)
		got, err := copyFile(filepath.Join(dir, rel), filepath.Join(dataDir, rel), rel)
		if err != nil {
			return nil, err
		}
		if got.SHA256 != f.SHA256 {
			return nil, &CorruptError{Path: f.Path, Detail: "changed while being restored"}
		}
		if err := os.Chmod(filepath.Join(dataDir, rel), fs.FileMode(f.Mode).Perm()|0o600); err != nil {
			return nil, err
		}
	}
	for _, db := range m.Databases {
		if _, err := checkSQLite(ctx, filepath.Join(dataDir, filepath.FromSlash(db.Path))); err != nil {
			return nil, fmt.Errorf("database %s: %w", db.Name, err)
		}
	}
	return m, syncDir(dataDir)
}

// refuseNonEmpty is ensureEmpty without creating the folder.
func refuseNonEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if err == nil && len(entries) > 0 {
		return &NotEmptyError{Dir: dir, Entry: entries[0].Name()}
	}
	return nil
}

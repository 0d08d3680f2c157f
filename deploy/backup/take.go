package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Source says what to back up from a data folder.
type Source struct {
	DataDir   string
	Databases []Database // snapshotted first, in this order
	Files     []string   // other files, relative to DataDir, copied when present
	MinIO     string     // MinIO's data folder relative to DataDir; "" for none
	Version   string     // of the program, for the manifest
	Notes     []string   // for the manifest (e.g. what is left out)
}

// Database is one SQLite database of the data folder.
type Database struct {
	Name     string // "temporal", "users"
	Path     string // relative to the data folder and the backup
	From     string // the file, when not DataDir/Path (a users database elsewhere)
	Optional bool   // missing is no error
}

// Take backs up src into dir, which must be empty or missing: first the
// databases, then the other files, then MinIO's folder, and the manifest
// last. The data folder's servers may be running. On failure nothing is
// left: dir is removed when Take made it, emptied otherwise.
func Take(ctx context.Context, src Source, dir string) (m *Manifest, err error) {
	_, statErr := os.Stat(dir)
	if err := ensureEmpty(dir); err != nil {
		return nil, err
	}
	defer func() {
		switch {
		case err == nil:
		case errors.Is(statErr, fs.ErrNotExist):
			_ = os.RemoveAll(dir) // made here: a scheduled job sees no folder
		default:
			clearDir(dir)
		}
	}()
	m = &Manifest{Format: manifestFormat, Started: time.Now().UTC(), Version: src.Version, Notes: src.Notes, Dirs: []string{}}
	if m.Source, err = filepath.Abs(src.DataDir); err != nil {
		return nil, err
	}
	for _, db := range src.Databases {
		from := db.From
		if from == "" {
			from = filepath.Join(src.DataDir, db.Path)
		}
		dst := filepath.Join(dir, db.Path)
		if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
			return nil, err
		}
		info, err := snapshotSQLite(ctx, from, dst)
		if errors.Is(err, fs.ErrNotExist) && db.Optional {
			m.Notes = append(m.Notes, fmt.Sprintf("database %s: %s does not exist", db.Name, from))
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("database %s (%s): %w", db.Name, from, err)
		}
		info.Name, info.Path = db.Name, filepath.ToSlash(db.Path)
		m.Databases = append(m.Databases, info)
		n, sum, err := hashFile(dst)
		if err != nil {
			return nil, err
		}
		m.Files = append(m.Files, FileEntry{Path: info.Path, Size: n, SHA256: sum, Mode: 0o640})
		if d := filepath.ToSlash(filepath.Dir(db.Path)); d != "." {
			m.Dirs = append(m.Dirs, d)
		}
	}
	for _, rel := range src.Files {
		e, err := copyFile(filepath.Join(src.DataDir, rel), filepath.Join(dir, rel), rel)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		m.Files = append(m.Files, e)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if src.MinIO != "" {
		c, err := copyMinIO(filepath.Join(src.DataDir, src.MinIO), filepath.Join(dir, src.MinIO), src.MinIO)
		if err != nil {
			return nil, fmt.Errorf("MinIO: %w", err)
		}
		m.MinIO, m.Notes = &c.info, append(m.Notes, c.notes...)
		m.Dirs, m.Files = append(m.Dirs, c.dirs...), append(m.Files, c.files...)
	}
	m.Finished = time.Now().UTC()
	if err := writeManifest(dir, m); err != nil {
		return nil, err
	}
	return m, nil
}

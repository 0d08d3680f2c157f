package backup

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// NotEmptyError says that a folder a backup or restore would write into
// already holds something.
type NotEmptyError struct {
	Dir   string
	Entry string // one of the entries found
}

func (e *NotEmptyError) Error() string {
	return fmt.Sprintf("%s is not empty (it holds %s)", e.Dir, e.Entry)
}

// ensureEmpty creates dir when missing and refuses one with any entry.
func ensureEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.MkdirAll(dir, 0o750)
	case err != nil:
		return err
	case len(entries) > 0:
		return &NotEmptyError{Dir: dir, Entry: entries[0].Name()}
	}
	return nil
}

// clearDir removes everything inside dir (which was empty before a failed
// backup or restore wrote into it), keeping dir itself.
func clearDir(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		_ = os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

package backup

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"time"
)

// MinIOInfo sums up the copy of MinIO's data folder in the manifest.
type MinIOInfo struct {
	Path     string `json:"path"` // MinIO's folder in the backup, slash-separated
	Files    int    `json:"files"`
	Bytes    int64  `json:"bytes"`
	Vanished int    `json:"vanished"` // files or folders deleted by MinIO during the copy
}

// minioSkipped are MinIO's folders of work in progress, relative to its data
// folder: uploads not yet renamed into place, multipart uploads not yet
// completed, and its trash. They are kept as empty folders.
var minioSkipped = map[string]bool{".minio.sys/tmp": true, ".minio.sys/multipart": true}

// xlMetaTries bounds the reads of an xl.meta that MinIO is rewriting.
const xlMetaTries = 20

// minioCopy copies MinIO's data folder src into dst, recording what it
// wrote relative to the backup folder under rel.
type minioCopy struct {
	src, dst, rel string
	files         []FileEntry
	dirs          []string
	info          MinIOInfo
	notes         []string
}

// copyMinIO copies the folder src (MinIO's data folder, MinIO running or
// not) to dst, which becomes rel in the backup.
func copyMinIO(src, dst, rel string) (*minioCopy, error) {
	c := &minioCopy{src: src, dst: dst, rel: rel, info: MinIOInfo{Path: filepath.ToSlash(rel)}}
	if st, err := os.Stat(src); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", src)
	}
	if err := c.dir("."); err != nil {
		return nil, err
	}
	return c, nil
}

// dir copies one folder: its xl.meta first, then everything else, so that
// every part folder the copied xl.meta names (renamed into place before
// it) is in the copy.
func (c *minioCopy) dir(rel string) error {
	srcDir, dstDir := filepath.Join(c.src, rel), filepath.Join(c.dst, rel)
	meta, metaErr := c.readXLMeta(filepath.Join(srcDir, xlMetaName))
	if metaErr != nil && !errors.Is(metaErr, fs.ErrNotExist) {
		return metaErr
	}
	var entries []os.DirEntry
	if !minioSkipped[filepath.ToSlash(rel)] {
		var err error
		if entries, err = os.ReadDir(srcDir); errors.Is(err, fs.ErrNotExist) && rel != "." {
			c.info.Vanished++ // an object or staging upload deleted meanwhile
			return nil
		} else if err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dstDir, 0o750); err != nil {
		return err
	}
	c.dirs = append(c.dirs, path.Join(filepath.ToSlash(c.rel), filepath.ToSlash(rel)))
	if metaErr == nil {
		e, err := writeFile(filepath.Join(dstDir, xlMetaName), c.relOf(rel, xlMetaName), 0o640, func(w io.Writer) error {
			_, err := w.Write(meta)
			return err
		})
		if err != nil {
			return err
		}
		c.add(e)
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == xlMetaName:
		case e.IsDir():
			if err := c.dir(filepath.Join(rel, name)); err != nil {
				return err
			}
		case e.Type().IsRegular():
			fe, err := copyFile(filepath.Join(srcDir, name), filepath.Join(dstDir, name), c.relOf(rel, name))
			if errors.Is(err, fs.ErrNotExist) {
				c.info.Vanished++
				continue
			}
			if err != nil {
				return err
			}
			c.add(fe)
		default:
			c.notes = append(c.notes, fmt.Sprintf("skipped %s: not a regular file", c.relOf(rel, name)))
		}
	}
	return nil
}

// readXLMeta reads an xl.meta whole: until a read passes checkXLMeta, or
// two reads in a row agree (the file is as it is on disk).
func (c *minioCopy) readXLMeta(p string) ([]byte, error) {
	var last []byte
	for try := 0; ; try++ {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		cerr := checkXLMeta(b)
		if cerr == nil {
			return b, nil
		}
		if last != nil && bytes.Equal(b, last) {
			rel, _ := filepath.Rel(c.src, p)
			c.notes = append(c.notes, fmt.Sprintf("%s copied as it is on disk: %v", filepath.ToSlash(rel), cerr))
			return b, nil
		}
		if try == xlMetaTries {
			return nil, fmt.Errorf("%s keeps changing: %w", p, cerr)
		}
		last = b
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *minioCopy) relOf(dir, name string) string {
	return filepath.Join(c.rel, dir, name)
}

func (c *minioCopy) add(e FileEntry) {
	c.files = append(c.files, e)
	c.info.Files++
	c.info.Bytes += e.Size
}

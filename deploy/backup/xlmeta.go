package backup

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cespare/xxhash/v2"
	"github.com/tinylib/msgp/msgp"
)

// xlMetaName is the file in which MinIO keeps an object's versions and
// their metadata (small objects' bytes inline too).
const xlMetaName = "xl.meta"

// checkXLMeta tells whether b is a whole xl.meta of the format MinIO writes
// today (XL2 1.3 and later): its header, the metadata's xxhash checksum and
// the inline data's structure. A copy taken while MinIO rewrote the file in
// place fails it; older formats without a checksum are accepted as they
// are.
func checkXLMeta(b []byte) error {
	if len(b) <= 8 || !bytes.Equal(b[:4], []byte("XL2 ")) {
		return errors.New("xl.meta: no XL2 header")
	}
	major, minor := binary.LittleEndian.Uint16(b[4:6]), binary.LittleEndian.Uint16(b[6:8])
	if major != 1 || minor < 3 {
		return nil // no checksum to check
	}
	meta, rest, err := msgp.ReadBytesZC(b[8:])
	if err != nil {
		return fmt.Errorf("xl.meta: %w", err)
	}
	crc, rest, err := msgp.ReadUint32Bytes(rest)
	if err != nil {
		return fmt.Errorf("xl.meta: checksum: %w", err)
	}
	if got := uint32(xxhash.Sum64(meta)); got != crc {
		return fmt.Errorf("xl.meta: checksum 0x%x, want 0x%x", got, crc)
	}
	return checkInlineData(rest)
}

// checkInlineData checks the inline data after the metadata: empty, or a
// version byte and a map of version IDs to bytes that ends the file.
func checkInlineData(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if b[0] != 1 {
		return fmt.Errorf("xl.meta: inline data version %d", b[0])
	}
	n, rest, err := msgp.ReadMapHeaderBytes(b[1:])
	if err != nil {
		return fmt.Errorf("xl.meta: inline data: %w", err)
	}
	for range n {
		if _, rest, err = msgp.ReadMapKeyZC(rest); err != nil {
			return fmt.Errorf("xl.meta: inline data: %w", err)
		}
		if _, rest, err = msgp.ReadBytesZC(rest); err != nil {
			return fmt.Errorf("xl.meta: inline data: %w", err)
		}
	}
	if len(rest) != 0 {
		return fmt.Errorf("xl.meta: %d bytes after the inline data", len(rest))
	}
	return nil
}

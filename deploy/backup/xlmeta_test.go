package backup

import (
	"encoding/binary"
	"testing"

	"github.com/cespare/xxhash/v2"
	"github.com/tinylib/msgp/msgp"
)

// xlMeta builds an xl.meta of format 1.3 as MinIO writes it: header, the
// metadata as msgpack bytes, its checksum, then the inline data.
func xlMeta(t testing.TB, meta []byte, inline map[string][]byte) []byte {
	t.Helper()
	b := []byte("XL2 ")
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint16(b, 3)
	b = msgp.AppendBytes(b, meta)
	b = msgp.AppendUint32(b, uint32(xxhash.Sum64(meta)))
	if inline != nil {
		b = append(b, 1)
		b = msgp.AppendMapHeader(b, uint32(len(inline)))
		for k, v := range inline {
			b = msgp.AppendString(b, k)
			b = msgp.AppendBytes(b, v)
		}
	}
	return b
}

func TestCheckXLMeta(t *testing.T) {
	whole := xlMeta(t, []byte("some metadata"), map[string][]byte{"6f1c": []byte("small object")})
	if err := checkXLMeta(whole); err != nil {
		t.Fatalf("whole: %v", err)
	}
	flipped := append([]byte{}, whole...)
	flipped[12] ^= 1
	for name, b := range map[string][]byte{
		"empty":            nil,
		"truncated header": whole[:6],
		"truncated meta":   whole[:15],
		"truncated inline": whole[:len(whole)-3],
		"flipped":          flipped,
		"trailing":         append(append([]byte{}, whole...), 0),
	} {
		if err := checkXLMeta(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

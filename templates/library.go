package templates

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"sync"

	"ictindex/scoring"
)

// SetRef names one exact criteria set: its key (decision and annex,
// "3299-PL01") and the SHA-256 of its file's bytes. A campaign pins the
// refs it opened with, so a set imported later never changes it.
type SetRef struct {
	Key  string `json:"key"`
	Hash string `json:"sha256"`
}

// String is "3299-PL01@1a2b3c4d5e6f" (the hash shortened), for logs and lists.
func (r SetRef) String() string {
	h := r.Hash
	if len(h) > 12 {
		h = h[:12]
	}
	return r.Key + "@" + h
}

// IsZero reports an unset ref (a campaign opened before sets were pinned).
func (r SetRef) IsZero() bool { return r.Key == "" && r.Hash == "" }

// Entry is a criteria set with its ref and its file's bytes.
type Entry struct {
	Ref      SetRef       `json:"ref"`
	Set      *scoring.Set `json:"-"`
	Raw      []byte       `json:"-"`
	Embedded bool         `json:"embedded"`
}

// Source fetches a stored set's file by ref (the archive). It returns
// ErrUnknownSet when it holds no such set.
type Source interface {
	CriteriaSet(ctx context.Context, ref SetRef) ([]byte, error)
}

// ErrUnknownSet: no set with that ref is embedded or stored.
var ErrUnknownSet = errors.New("no such criteria set")

var keyPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// HashOf is the SHA-256 (hex) of a set file's bytes.
func HashOf(raw []byte) string {
	h := sha256.Sum256(raw)
	return hex.EncodeToString(h[:])
}

// KeyOf derives a set's key from its decision number and annex:
// "3299/QĐ-UBND" and "PL01" give "3299-PL01".
func KeyOf(s *scoring.Set) (string, error) {
	num, _, _ := strings.Cut(s.Decision, "/")
	var b strings.Builder
	for _, r := range strings.TrimSpace(num) {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	key := b.String() + "-" + s.Annex
	if !keyPattern.MatchString(key) || b.Len() == 0 {
		return "", fmt.Errorf("cannot make a key from decision %q and annex %q: the decision number before \"/\" and the annex must be letters, digits, '.', '_' or '-'", s.Decision, s.Annex)
	}
	return key, nil
}

// Check parses and validates a set file, naming every problem, and gives
// its ref.
func Check(raw []byte) (Entry, error) {
	s, err := ParseSet(raw)
	if err != nil {
		return Entry{}, err
	}
	key, err := KeyOf(s)
	if err != nil {
		return Entry{}, err
	}
	return Entry{Ref: SetRef{Key: key, Hash: HashOf(raw)}, Set: s, Raw: raw}, nil
}

var (
	embedOnce sync.Once
	embedded  []Entry
	embedErr  error
)

// Embedded lists the sets built into the binary (the default decision's),
// sorted by key.
func Embedded() ([]Entry, error) {
	embedOnce.Do(func() {
		for _, name := range Available() {
			raw, err := setFiles.ReadFile("sets/" + name)
			if err != nil {
				embedErr = err
				return
			}
			e, err := Check(raw)
			if err != nil {
				embedErr = fmt.Errorf("%s: %w", name, err)
				return
			}
			e.Embedded = true
			embedded = append(embedded, e)
		}
		sort.Slice(embedded, func(i, j int) bool { return embedded[i].Ref.Key < embedded[j].Ref.Key })
	})
	return embedded, embedErr
}

// DefaultRef is the ref of the default decision's embedded set for an
// annex ("PL01").
func DefaultRef(annex string) (SetRef, error) {
	all, err := Embedded()
	if err != nil {
		return SetRef{}, err
	}
	key := DefaultDecision + "-" + strings.ToUpper(annex)
	for _, e := range all {
		if e.Ref.Key == key {
			return e.Ref, nil
		}
	}
	return SetRef{}, fmt.Errorf("%w: %s", ErrUnknownSet, key)
}

// Library resolves refs to sets: embedded ones from the binary, others
// from its Source, each checked against its hash and parsed once.
// Resolved sets are shared: callers must not modify them.
type Library struct {
	src Source
}

// NewLibrary is a library over a source (nil: the embedded sets only).
func NewLibrary(src Source) *Library { return &Library{src: src} }

// Set returns the exact set a ref names. A zero ref, or one naming only
// an annex's default key, is not accepted here: see Resolve.
func (l *Library) Set(ctx context.Context, ref SetRef) (*scoring.Set, error) {
	if ref.Hash == "" {
		return nil, fmt.Errorf("%w: %q has no hash", ErrUnknownSet, ref.Key)
	}
	if s := cached(ref.Hash); s != nil {
		return s, nil
	}
	raw, err := l.Raw(ctx, ref)
	if err != nil {
		return nil, err
	}
	return FromRaw(ref, raw)
}

// Raw returns a set file's bytes, checked against the ref's hash.
func (l *Library) Raw(ctx context.Context, ref SetRef) ([]byte, error) {
	all, err := Embedded()
	if err != nil {
		return nil, err
	}
	for _, e := range all {
		if e.Ref == ref {
			return e.Raw, nil
		}
	}
	if l == nil || l.src == nil {
		return nil, fmt.Errorf("%w: %s", ErrUnknownSet, ref)
	}
	raw, err := l.src.CriteriaSet(ctx, ref)
	if err != nil {
		return nil, err
	}
	if HashOf(raw) != ref.Hash {
		return nil, fmt.Errorf("criteria set %s: the stored file's SHA-256 is %s, not the one pinned", ref, HashOf(raw))
	}
	return raw, nil
}

// Resolve returns the set for a unit: the pinned ref when there is one,
// else (campaigns opened before sets were pinned) the default decision's
// embedded set for the annex.
func (l *Library) Resolve(ctx context.Context, ref SetRef, annex string) (*scoring.Set, error) {
	if ref.IsZero() {
		return Load(annex)
	}
	return l.Set(ctx, ref)
}

// FromRaw parses a set file already checked against ref (a workflow's
// copy from its history), memoised by hash.
func FromRaw(ref SetRef, raw []byte) (*scoring.Set, error) {
	if HashOf(raw) != ref.Hash {
		return nil, fmt.Errorf("criteria set %s: the bytes do not match the pinned SHA-256", ref)
	}
	if s := cached(ref.Hash); s != nil {
		return s, nil
	}
	e, err := Check(raw)
	if err != nil {
		return nil, fmt.Errorf("criteria set %s: %w", ref, err)
	}
	parsedMu.Lock()
	defer parsedMu.Unlock()
	parsed[ref.Hash] = e.Set
	return e.Set, nil
}

// parsed holds every set parsed in this process by hash: the bytes a hash
// names never change, so neither does the set.
var (
	parsedMu sync.Mutex
	parsed   = map[string]*scoring.Set{}
)

func cached(hash string) *scoring.Set {
	parsedMu.Lock()
	defer parsedMu.Unlock()
	return parsed[hash]
}

// Compress gzips a set file for a workflow's history (a 64 KB set takes
// about a tenth of that).
func Compress(raw []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(raw); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Decompress reverses Compress, refusing more than 8 MiB.
func Decompress(data []byte) ([]byte, error) {
	r, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(io.LimitReader(r, 8<<20+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > 8<<20 {
		return nil, fmt.Errorf("criteria set larger than 8 MiB")
	}
	return raw, nil
}

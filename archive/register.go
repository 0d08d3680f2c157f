package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"golang.org/x/text/unicode/norm"
)

// The register of decision numbers. Decree 30/2020/NĐ-CP (Art. 15) numbers
// a body's documents from 01 each calendar year, unique within the year.
// Each number is one object, register/<year>/<seq>.json, created only if
// it does not exist yet (If-None-Match: *), so two issuances racing, on
// one server or on several, can never take the same number; a reservation
// is made for an issuance and a retry of that issuance gets the same
// number back, so a restart leaves no gap either.

const registerPrefix = "register/"

// DefaultNumberSuffix is what follows the sequence in a decision number of
// the provincial People's Committee: "05/QĐ-UBND".
const DefaultNumberSuffix = "QĐ-UBND"

// ErrNumberTaken: the number is already held by another issuance.
var ErrNumberTaken = errors.New("archive: decision number already taken")

// ErrBadNumber: a number that is not "<digits>/<suffix>".
var ErrBadNumber = errors.New("archive: malformed decision number")

// RegisterEntry is one number of the register.
type RegisterEntry struct {
	Year   int    `json:"year"`   // calendar year of issue, Vietnam time
	Seq    int    `json:"seq"`    // 1, 2, …
	Number string `json:"number"` // "05/QĐ-UBND"
	// Issuance is what holds the number ("2026/1": the campaign year and
	// the issuance's index); a retry of it gets the same entry.
	Issuance string `json:"issuance"`
	// External numbers were taken by the clerk from the province's
	// e-office register and only recorded here.
	External   bool      `json:"external,omitempty"`
	ReservedAt time.Time `json:"reserved_at"`
	By         string    `json:"by,omitempty"`
}

// FormatNumber writes a number as the register does: at least two digits.
func FormatNumber(seq int, suffix string) string {
	if suffix == "" {
		suffix = DefaultNumberSuffix
	}
	return fmt.Sprintf("%02d/%s", seq, norm.NFC.String(suffix))
}

var numberPattern = regexp.MustCompile(`^0*([1-9][0-9]{0,5})/(\S+)$`)

// ParseNumber reads "05/QĐ-UBND" into its sequence; the part after the
// slash must be suffix. The error says what is wrong, in Vietnamese.
func ParseNumber(s, suffix string) (int, error) {
	if suffix == "" {
		suffix = DefaultNumberSuffix
	}
	s = norm.NFC.String(strings.TrimSpace(s))
	m := numberPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("%w: số quyết định %q không đúng dạng \"số/%s\" (ví dụ 05/%s)", ErrBadNumber, s, suffix, suffix)
	}
	if m[2] != norm.NFC.String(suffix) {
		return 0, fmt.Errorf("%w: số quyết định %q phải có ký hiệu %s", ErrBadNumber, s, suffix)
	}
	n, _ := strconv.Atoi(m[1])
	return n, nil
}

func registerKey(year, seq int) string {
	return fmt.Sprintf("%s%04d/%06d.json", registerPrefix, year, seq)
}

// RegisterEntries lists a year's numbers in order.
func (s *Store) RegisterEntries(ctx context.Context, year int) ([]RegisterEntry, error) {
	prefix := fmt.Sprintf("%s%04d/", registerPrefix, year)
	var out []RegisterEntry
	for obj := range s.client.ListObjects(ctx, s.cfg.DocumentBucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, fmt.Errorf("archive: list register %d: %w", year, obj.Err)
		}
		e, err := s.readEntry(ctx, obj.Key)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, nil
}

// RegisterEntry reads one number of a year's register (ErrNotFound when
// no issuance holds it).
func (s *Store) RegisterEntry(ctx context.Context, year, seq int) (RegisterEntry, error) {
	key := registerKey(year, seq)
	if _, err := s.client.StatObject(ctx, s.cfg.DocumentBucket, key, minio.StatObjectOptions{}); err != nil {
		if isNotFound(err) {
			return RegisterEntry{}, &fileError{kind: ErrNotFound, name: key}
		}
		return RegisterEntry{}, fmt.Errorf("archive: read register %s: %w", key, err)
	}
	return s.readEntry(ctx, key)
}

func (s *Store) readEntry(ctx context.Context, key string) (RegisterEntry, error) {
	obj, err := s.client.GetObject(ctx, s.cfg.DocumentBucket, key, minio.GetObjectOptions{})
	if err != nil {
		return RegisterEntry{}, fmt.Errorf("archive: read register %s: %w", key, err)
	}
	defer obj.Close()
	var e RegisterEntry
	if err := json.NewDecoder(obj).Decode(&e); err != nil {
		return RegisterEntry{}, fmt.Errorf("archive: register entry %s: %w", key, err)
	}
	return e, nil
}

// ReserveNumber gives the issuance the next number of year: the one it
// already holds, or the register's highest plus one, taken so that no
// other issuance can take it too.
func (s *Store) ReserveNumber(ctx context.Context, year int, suffix, issuance, by string, at time.Time) (RegisterEntry, error) {
	for attempt := 0; ; attempt++ {
		entries, err := s.RegisterEntries(ctx, year)
		if err != nil {
			return RegisterEntry{}, err
		}
		next := 1
		for _, e := range entries {
			if e.Issuance == issuance {
				return e, nil
			}
			next = max(next, e.Seq+1)
		}
		e := RegisterEntry{Year: year, Seq: next, Number: FormatNumber(next, suffix), Issuance: issuance,
			ReservedAt: at.UTC().Truncate(time.Second), By: by}
		err = s.createEntry(ctx, e)
		if errors.Is(err, ErrNumberTaken) && attempt < 1000 {
			continue // someone took it meanwhile: read again
		}
		if err != nil {
			return RegisterEntry{}, err
		}
		return e, nil
	}
}

// ClaimNumber records a number the clerk took from the e-office register
// for the issuance. It refuses a malformed number (ErrBadNumber) and one
// held by another issuance (ErrNumberTaken); the issuance's own earlier
// claim of the same number is returned as it is.
func (s *Store) ClaimNumber(ctx context.Context, year int, number, suffix, issuance, by string, at time.Time) (RegisterEntry, error) {
	seq, err := ParseNumber(number, suffix)
	if err != nil {
		return RegisterEntry{}, err
	}
	e := RegisterEntry{Year: year, Seq: seq, Number: FormatNumber(seq, suffix), Issuance: issuance, External: true,
		ReservedAt: at.UTC().Truncate(time.Second), By: by}
	err = s.createEntry(ctx, e)
	if errors.Is(err, ErrNumberTaken) {
		held, rerr := s.readEntry(ctx, registerKey(year, seq))
		if rerr != nil {
			return RegisterEntry{}, rerr
		}
		if held.Issuance == issuance {
			return held, nil
		}
		return RegisterEntry{}, fmt.Errorf("%w: số %s năm %d đã cấp cho văn bản khác", ErrNumberTaken, held.Number, year)
	}
	return e, err
}

// createEntry writes e's object only if no object is at its key.
func (s *Store) createEntry(ctx context.Context, e RegisterEntry) error {
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	opts := minio.PutObjectOptions{ContentType: "application/json", SendContentMd5: true,
		Mode: minio.RetentionMode(s.cfg.RetentionMode), RetainUntilDate: s.retainUntil()}
	opts.SetMatchETagExcept("*")
	_, err = s.client.PutObject(ctx, s.cfg.DocumentBucket, registerKey(e.Year, e.Seq), bytes.NewReader(data), int64(len(data)), opts)
	if err != nil {
		r := minio.ToErrorResponse(err)
		if r.Code == "PreconditionFailed" || r.StatusCode == http.StatusPreconditionFailed {
			return fmt.Errorf("%w: %s", ErrNumberTaken, e.Number)
		}
		return fmt.Errorf("archive: register %s: %w", e.Number, err)
	}
	return nil
}

package archive

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestNumberFormat(t *testing.T) {
	if got := FormatNumber(5, ""); got != "05/QĐ-UBND" {
		t.Errorf("FormatNumber(5) = %q", got)
	}
	if got := FormatNumber(123, "QĐ-UBND"); got != "123/QĐ-UBND" {
		t.Errorf("FormatNumber(123) = %q", got)
	}
	for in, want := range map[string]int{"05/QĐ-UBND": 5, " 5/QĐ-UBND ": 5, "123/QĐ-UBND": 123,
		"005/QĐ-UBND": 5} {
		if n, err := ParseNumber(in, ""); err != nil || n != want {
			t.Errorf("ParseNumber(%q) = %d, %v; want %d", in, n, err, want)
		}
	}
	for _, in := range []string{"", "QĐ-UBND", "0/QĐ-UBND", "05/QĐ-SXD", "05 /QĐ-UBND", "a5/QĐ-UBND", "05/"} {
		if _, err := ParseNumber(in, ""); !errors.Is(err, ErrBadNumber) {
			t.Errorf("ParseNumber(%q) = %v, want ErrBadNumber", in, err)
		}
	}
}

// TestRegisterRace has issuances race for numbers on one year: each gets
// exactly one, none shares one, none is skipped, and a retry of an
// issuance (a restart) gets its own number back.
func TestRegisterRace(t *testing.T) {
	st, _ := testStore(t)
	ctx := context.Background()
	const year, n = 2061, 12
	at := time.Date(2061, 1, 5, 3, 0, 0, 0, time.UTC)
	got := make([]RegisterEntry, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = st.ReserveNumber(ctx, year, "", fmt.Sprintf("2060/%d", i), "văn thư", at)
		}()
	}
	wg.Wait()
	seen := map[int]string{}
	for i, e := range got {
		if errs[i] != nil {
			t.Fatalf("issuance %d: %v", i, errs[i])
		}
		if other, dup := seen[e.Seq]; dup {
			t.Errorf("number %s given to %s and %s", e.Number, other, e.Issuance)
		}
		seen[e.Seq] = e.Issuance
	}
	for seq := 1; seq <= n; seq++ {
		if _, ok := seen[seq]; !ok {
			t.Errorf("number %d skipped: %v", seq, seen)
		}
	}
	again, err := st.ReserveNumber(ctx, year, "", "2060/3", "văn thư", at.Add(time.Hour))
	if err != nil || again.Seq != got[3].Seq {
		t.Errorf("retry of 2060/3 got %+v, %v; want number %d", again, err, got[3].Seq)
	}
	list, err := st.RegisterEntries(ctx, year)
	if err != nil || len(list) != n {
		t.Fatalf("register has %d entries (%v), want %d", len(list), err, n)
	}
	for i, e := range list {
		if e.Seq != i+1 || e.Number != FormatNumber(i+1, "") {
			t.Errorf("entry %d = %+v", i, e)
		}
	}
	// Another year starts again from 01.
	if e, err := st.ReserveNumber(ctx, year+1, "", "2061/1", "văn thư", at); err != nil || e.Number != "01/QĐ-UBND" {
		t.Errorf("first of %d = %+v, %v", year+1, e, err)
	}
}

// TestRegisterClaim records numbers taken from the e-office register.
func TestRegisterClaim(t *testing.T) {
	st, _ := testStore(t)
	ctx := context.Background()
	const year = 2063
	at := time.Date(2063, 2, 1, 0, 0, 0, 0, time.UTC)
	e, err := st.ClaimNumber(ctx, year, "7/QĐ-UBND", "", "2062/1", "văn thư", at)
	if err != nil || e.Number != "07/QĐ-UBND" || !e.External {
		t.Fatalf("claim = %+v, %v", e, err)
	}
	if _, err := st.ClaimNumber(ctx, year, "07/QĐ-UBND", "", "2062/1", "văn thư", at); err != nil {
		t.Errorf("the same issuance claiming again: %v", err)
	}
	if _, err := st.ClaimNumber(ctx, year, "07/QĐ-UBND", "", "2062/2", "văn thư", at); !errors.Is(err, ErrNumberTaken) {
		t.Errorf("another issuance claiming 07: %v, want ErrNumberTaken", err)
	}
	if _, err := st.ClaimNumber(ctx, year, "07/QĐ", "", "2062/2", "văn thư", at); !errors.Is(err, ErrBadNumber) {
		t.Errorf("malformed: %v, want ErrBadNumber", err)
	}
	// The system's own numbers continue after the highest recorded.
	if e, err := st.ReserveNumber(ctx, year, "", "2062/3", "hệ thống", at); err != nil || e.Seq != 8 {
		t.Errorf("next after 07 = %+v, %v", e, err)
	}
}

package store

import (
	"net/mail"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Unit registry limits.
const (
	MaxUnitEmails  = 10
	maxUnitNameLen = 300 // runes
)

// FlagNoProcedures marks a PL01 unit without administrative procedures
// (spreadsheets may say «Không có TTHC»).
const FlagNoProcedures = "no_procedures"

var unitCodePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func defaultKnownAnnex(annex string) bool { return annex == "PL01" || annex == "PL02" }

func defaultKnownFlag(annex, flag string) bool { return annex == "PL01" && flag == FlagNoProcedures }

// unitRules are the checks that depend on the scoring model.
type unitRules struct {
	knownAnnex func(string) bool
	knownFlag  func(annex, flag string) bool
	annexHint  string // "PL01 hoặc PL02" when known; "" when the rule came from Options
}

var defaultRules = unitRules{knownAnnex: defaultKnownAnnex, knownFlag: defaultKnownFlag, annexHint: "PL01 hoặc PL02"}

func (s *Store) rules() unitRules {
	return unitRules{knownAnnex: s.opt.KnownAnnex, knownFlag: s.opt.KnownFlag, annexHint: s.annexHint}
}

// unitField names a Unit's field: the name used in FieldError and the
// column's Vietnamese label.
type unitField int

const (
	fieldCode unitField = iota
	fieldName
	fieldAnnex
	fieldFlags
	fieldEmails
	numUnitFields
)

var (
	unitFieldNames  = [numUnitFields]string{"code", "name", "annex", "flags", "emails"}
	unitFieldLabels = [numUnitFields]string{"Mã đơn vị", "Tên đơn vị", "Phụ lục", "Đặc điểm", "Thư điện tử"}
)

// unitProblem is a problem with one field of a unit, the message without
// saying where (callers add "Tên đơn vị: " or "Ô B4 (Tên đơn vị): ").
type unitProblem struct {
	field unitField
	msg   string
}

// normalizeUnit returns the unit as stored (trimmed, NFC, annex in capitals,
// flags and e-mails deduplicated, flags sorted) and what is wrong with it.
func normalizeUnit(u Unit, r unitRules) (Unit, []unitProblem) {
	var ps []unitProblem
	bad := func(f unitField, msg string) { ps = append(ps, unitProblem{f, msg}) }

	u.Code = strings.TrimSpace(u.Code)
	switch {
	case u.Code == "":
		bad(fieldCode, "không được để trống")
	case !unitCodePattern.MatchString(u.Code):
		bad(fieldCode, "«"+u.Code+"» không hợp lệ: chỉ gồm chữ không dấu, số và . _ -, tối đa 64 ký tự")
	}

	u.Name = strings.Join(strings.Fields(norm.NFC.String(u.Name)), " ")
	switch {
	case u.Name == "":
		bad(fieldName, "không được để trống")
	case len([]rune(u.Name)) > maxUnitNameLen:
		bad(fieldName, "dài quá 300 ký tự")
	}

	u.Annex = strings.ToUpper(strings.TrimSpace(u.Annex))
	annexOK := false
	switch {
	case u.Annex == "":
		bad(fieldAnnex, "không được để trống")
	case !r.knownAnnex(u.Annex):
		if r.annexHint != "" {
			bad(fieldAnnex, "«"+u.Annex+"» không phải "+r.annexHint)
		} else {
			bad(fieldAnnex, "«"+u.Annex+"» không phải phụ lục đã biết")
		}
	default:
		annexOK = true
	}

	flags := []string{}
	seen := map[string]bool{}
	for _, f := range u.Flags {
		f = flagAlias(strings.TrimSpace(f))
		if f == "" || seen[f] {
			continue
		}
		seen[f] = true
		if annexOK && !r.knownFlag(u.Annex, f) {
			bad(fieldFlags, "«"+f+"» không áp dụng cho đơn vị thuộc "+u.Annex)
		}
		flags = append(flags, f)
	}
	sort.Strings(flags)
	u.Flags = flags

	emails := []string{}
	seenMail := map[string]bool{}
	for _, e := range u.Emails {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		a, err := mail.ParseAddress(e)
		if err != nil || !strings.Contains(a.Address[strings.LastIndexByte(a.Address, '@')+1:], ".") {
			bad(fieldEmails, "«"+e+"» không phải địa chỉ thư điện tử hợp lệ")
			continue
		}
		if key := strings.ToLower(a.Address); !seenMail[key] {
			seenMail[key] = true
			emails = append(emails, a.Address)
		}
	}
	if len(emails) > MaxUnitEmails {
		bad(fieldEmails, "nhiều nhất 10 địa chỉ (có "+strconv.Itoa(len(emails))+")")
	}
	u.Emails = emails
	return u, ps
}

// flagAlias turns the spreadsheet wording of a flag into its code:
// "Không có TTHC" (any case, with or without diacritics) is no_procedures.
func flagAlias(f string) string {
	switch fold(f) {
	case "khong co tthc", "khong co thu tuc hanh chinh", "no procedures":
		return FlagNoProcedures
	}
	return f
}

// fold lowercases and strips Vietnamese diacritics and punctuation, for
// comparing headers and wordings: "Mã đơn vị" → "ma don vi".
func fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ':
			r = 'd'
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

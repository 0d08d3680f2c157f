package store

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestPutUnit(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		s := d.open(Options{})
		u := Unit{Code: " SO-TTTT ", Name: norm.NFD.String("  Sở Thông tin   và Truyền thông "), Annex: "pl01",
			Flags: []string{"Không có TTHC", "no_procedures"}, Emails: []string{"vanthu@stttt.gov.vn", "Văn thư <VanThu@stttt.gov.vn>", "b@stttt.gov.vn"}, Active: true}
		if err := s.PutUnit(ctx, "an", u); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.GetUnit(ctx, "SO-TTTT")
		want := Unit{Code: "SO-TTTT", Name: "Sở Thông tin và Truyền thông", Annex: "PL01", Flags: []string{"no_procedures"},
			Emails: []string{"vanthu@stttt.gov.vn", "b@stttt.gov.vn"}, Active: true}
		if err != nil || !ok || !reflect.DeepEqual(got, want) {
			t.Fatalf("GetUnit %+v %v %v", got, ok, err)
		}
		if e := lastAudit(t, s); e.Action != ActionAddUnit || e.Target != "SO-TTTT" || e.By != "an" {
			t.Fatalf("audit %+v", e)
		}
		n := auditCount(t, s)
		if err := s.PutUnit(ctx, "an", want); err != nil || auditCount(t, s) != n {
			t.Fatalf("putting the same unit: %v, audit %d → %d", err, n, auditCount(t, s))
		}
		want.Name, want.Active, want.Flags = "Sở TT&TT", false, nil
		if err := s.PutUnit(ctx, "an", want); err != nil {
			t.Fatal(err)
		}
		if e := lastAudit(t, s); e.Action != ActionUpdateUnit || !strings.Contains(e.Detail, "tên «Sở Thông tin và Truyền thông» → «Sở TT&TT»") || !strings.Contains(e.Detail, "ngừng hoạt động") {
			t.Fatalf("audit %+v", e)
		}
		if got, _, _ := s.GetUnit(ctx, "SO-TTTT"); got.Active || got.Name != "Sở TT&TT" || len(got.Flags) != 0 || got.Flags == nil {
			t.Fatalf("%+v", got)
		}

		n = auditCount(t, s)
		err = s.PutUnit(ctx, "an", Unit{Code: "bad code", Annex: "PL03", Flags: []string{"x"},
			Emails: []string{"not-an-address", "a@b.vn", "x@localhost"}})
		wantFields(t, err, "code", "name", "annex", "emails", "emails")
		if !strings.Contains(err.Error(), "Phụ lục: «PL03» không phải PL01 hoặc PL02") {
			t.Fatal(err)
		}
		wantFields(t, s.PutUnit(ctx, "an", Unit{Code: "H", Name: "Huyện", Annex: "PL02", Flags: []string{"no_procedures"}}), "flags")
		many := make([]string, 11)
		for i := range many {
			many[i] = string(rune('a'+i)) + "@x.vn"
		}
		wantFields(t, s.PutUnit(ctx, "an", Unit{Code: "H", Name: "Huyện", Annex: "PL02", Emails: many}), "emails")
		if auditCount(t, s) != n {
			t.Fatal("refused PutUnit logged")
		}
		if _, ok, _ := s.GetUnit(ctx, "H"); ok {
			t.Fatal("refused unit saved")
		}

		// Options decide what annexes and flags exist.
		s2 := d.open(Options{KnownAnnex: func(a string) bool { return a == "PL09" }, KnownFlag: func(a, f string) bool { return f == "remote" }})
		if err := s2.PutUnit(ctx, "an", Unit{Code: "Z", Name: "Z", Annex: "PL09", Flags: []string{"remote"}}); err != nil {
			t.Fatal(err)
		}
		err = s2.PutUnit(ctx, "an", Unit{Code: "Y", Name: "Y", Annex: "PL01"})
		wantFields(t, err, "annex")
		if !strings.Contains(err.Error(), "«PL01» không phải phụ lục đã biết") {
			t.Fatal(err)
		}

		list, err := s.ListUnits(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var codes []string
		for _, u := range list {
			codes = append(codes, u.Annex+"/"+u.Code)
		}
		if strings.Join(codes, ",") != "PL01/SO-TTTT,PL09/Z" {
			t.Fatalf("ListUnits %v", codes)
		}
	})
}

func TestDeleteUnit(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		s := d.open(Options{})
		withUnits(t, s, "SO-A", "SO-B")
		mustAdd(t, s, "binh", RoleSubmitter, "SO-A")
		mustAdd(t, s, "cuong", RoleApprover, "SO-A")
		n := auditCount(t, s)
		err := s.DeleteUnit(ctx, "an", "SO-A")
		if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "còn 2 tài khoản") || !strings.Contains(err.Error(), "binh, cuong") {
			t.Fatalf("delete of a unit in use: %v", err)
		}
		wantFields(t, err, "code")
		if _, ok, _ := s.GetUnit(ctx, "SO-A"); !ok {
			t.Fatal("unit in use deleted")
		}
		if err := s.DeleteUnit(ctx, "an", "SO-X"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("want ErrNotFound, got %v", err)
		}
		if auditCount(t, s) != n {
			t.Fatal("refused delete logged")
		}
		if err := s.DeleteUnit(ctx, "an", "SO-B"); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.GetUnit(ctx, "SO-B"); ok {
			t.Fatal("not deleted")
		}
		if e := lastAudit(t, s); e.Action != ActionDeleteUnit || e.Target != "SO-B" {
			t.Fatalf("audit %+v", e)
		}
		// Once its users moved, the unit can go.
		if err := s.UpdateUser(ctx, "an", "binh", RoleLeader, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.SetDisabled(ctx, "an", "cuong", true); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteUnit(ctx, "an", "SO-A"); !errors.Is(err, ErrConflict) {
			t.Fatalf("a disabled user still belongs: %v", err)
		}
		if err := s.UpdateUser(ctx, "an", "cuong", RoleAppraiser, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteUnit(ctx, "an", "SO-A"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestImportUnitsAllOrNothing(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		s := d.open(Options{})
		withUnits(t, s, "SO-A")
		n := auditCount(t, s)
		bad := []Unit{
			{Code: "SO-B", Name: "Sở B", Annex: "PL01", Active: true},
			{Code: "SO-C", Name: "Sở C", Annex: "PL07", Active: true},
			{Code: "SO-B", Name: "Sở B lần hai", Annex: "PL01", Active: true},
		}
		err := s.ImportUnits(ctx, "an", bad)
		wantFields(t, err, "annex", "code")
		if !strings.Contains(err.Error(), "Đơn vị thứ 2 («SO-C»): Phụ lục") || !strings.Contains(err.Error(), "trùng với đơn vị thứ 1") {
			t.Fatal(err)
		}
		if list, _ := s.ListUnits(ctx); len(list) != 1 || auditCount(t, s) != n {
			t.Fatalf("a bad import saved something: %v", list)
		}
		wantFields(t, s.ImportUnits(ctx, "an", nil), "file")

		good := []Unit{
			{Code: "SO-A", Name: "Sở A mới", Annex: "PL01", Active: true},
			{Code: "SO-B", Name: "Sở B", Annex: "PL01", Active: true},
			{Code: "H-1", Name: "Huyện 1", Annex: "PL02", Active: true},
		}
		if err := s.ImportUnits(ctx, "an", good); err != nil {
			t.Fatal(err)
		}
		list, _ := s.ListUnits(ctx)
		if len(list) != 3 || list[0].Code != "SO-A" || list[0].Name != "Sở A mới" || list[2].Code != "H-1" {
			t.Fatalf("%+v", list)
		}
		if e := lastAudit(t, s); e.Action != ActionImportUnits || e.Detail != "thêm 2, sửa 1, giữ nguyên 0" || auditCount(t, s) != n+1 {
			t.Fatalf("audit %+v", e)
		}
	})
}

package store

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestUserEmail(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		s := d.open(Options{})
		withUnits(t, s, "SO-A")
		mustAdd(t, s, "an", RoleSubmitter, "SO-A")
		epoch := mustGet(t, s, "an").Epoch
		if err := s.SetEmail(ctx, "admin", "an", "  An.Nguyen@so-a.example.vn "); err != nil {
			t.Fatal(err)
		}
		u := mustGet(t, s, "an")
		if u.Email != "An.Nguyen@so-a.example.vn" || u.Epoch != epoch {
			t.Errorf("email %q epoch %d→%d: want the trimmed address, sessions kept", u.Email, epoch, u.Epoch)
		}
		if e := lastAudit(t, s); e.Action != ActionSetEmail || e.Target != "an" || !strings.Contains(e.Detail, "An.Nguyen@so-a.example.vn") {
			t.Errorf("audit %+v", e)
		}
		for _, bad := range []string{"không-có-a-còng", "a@b", "a@@b.vn", "Tên <a@b.vn>", "a@b.vn, c@d.vn", strings.Repeat("a", 250) + "@b.vn"} {
			err := s.SetEmail(ctx, "admin", "an", bad)
			wantFields(t, err, "email")
			if !strings.Contains(err.Error(), "Thư điện tử") {
				t.Errorf("%q: message %q does not name the field", bad, err)
			}
		}
		if err := s.SetEmail(ctx, "admin", "an", ""); err != nil || mustGet(t, s, "an").Email != "" {
			t.Errorf("clearing: %v", err)
		}
		if err := s.SetEmail(ctx, "admin", "không-có", "a@b.vn"); err == nil {
			t.Error("set the address of a user who does not exist")
		}
	})
}

func TestUnitAndDepartmentAddresses(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		s := d.open(Options{})
		for _, u := range []Unit{
			{Code: "SO-A", Name: "Sở A", Annex: "PL01", Active: true, Emails: []string{"vanthu@so-a.example.vn"}},
			{Code: "SO-B", Name: "Sở B", Annex: "PL01", Active: true},
			{Code: "SO-C", Name: "Sở C", Annex: "PL01", Active: false, Emails: []string{"cu@so-c.example.vn"}},
		} {
			if err := s.PutUnit(ctx, "setup", u); err != nil {
				t.Fatal(err)
			}
		}
		mustAdd(t, s, "b.nop", RoleSubmitter, "SO-A")
		mustAdd(t, s, "a.duyet", RoleApprover, "SO-A")
		mustAdd(t, s, "khoa", RoleSubmitter, "SO-A")
		mustAdd(t, s, "c.nop", RoleSubmitter, "SO-C")
		mustAdd(t, s, "thamdinh", RoleAppraiser, "")
		mustAdd(t, s, "lanhdao", RoleLeader, "")
		mustAdd(t, s, "quantri", RoleAdmin, "")
		for name, e := range map[string]string{"b.nop": "b@so-a.example.vn", "a.duyet": "a@so-a.example.vn", "khoa": "khoa@so-a.example.vn",
			"c.nop": "c@so-c.example.vn", "thamdinh": "td@stttt.example.vn", "lanhdao": "ld@ubnd.example.vn"} {
			if err := s.SetEmail(ctx, "admin", name, e); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetDisabled(ctx, "admin", "khoa", true); err != nil {
			t.Fatal(err)
		}
		all, err := s.UnitAddresses(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := all["SO-A"], []string{"vanthu@so-a.example.vn", "a@so-a.example.vn", "b@so-a.example.vn"}; !slices.Equal(got, want) {
			t.Errorf("SO-A %v, want %v (contacts, then enabled users by name)", got, want)
		}
		if got, ok := all["SO-B"]; !ok || len(got) != 0 {
			t.Errorf("SO-B %v %v: an active unit without address must be listed empty", got, ok)
		}
		if _, ok := all["SO-C"]; ok {
			t.Error("an inactive unit is among the active ones")
		}
		some, err := s.UnitAddresses(ctx, []string{"SO-C"})
		if err != nil || !slices.Equal(some["SO-C"], []string{"cu@so-c.example.vn", "c@so-c.example.vn"}) || len(some) != 1 {
			t.Errorf("asked for SO-C (a campaign's unit, now inactive): %v %v", some, err)
		}
		dept, err := s.DepartmentAddresses(ctx)
		if err != nil || !slices.Equal(dept, []string{"ld@ubnd.example.vn", "td@stttt.example.vn"}) {
			t.Errorf("department %v %v", dept, err)
		}
	})
}

func TestNoticeLog(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		s := d.open(Options{})
		at := time.Date(2026, 11, 17, 1, 0, 0, 0, time.UTC)
		var ds []NoticeDelivery
		// A broadcast to 600 addresses (more than one INSERT), two failed.
		for i := range 600 {
			d := NoticeDelivery{Notice: "n1", Kind: "preliminary", Year: 2026, Unit: fmt.Sprintf("U%03d", i/2), Subject: "Kết quả sơ bộ",
				Address: fmt.Sprintf("a%d@example.vn", i), Status: DeliverySent, At: at}
			if i == 7 || i == 8 {
				d.Status, d.Error = DeliveryFailed, "550 5.1.1 no such mailbox"
			}
			ds = append(ds, d)
		}
		ds = append(ds, NoticeDelivery{Notice: "n1", Kind: "preliminary", Year: 2026, Unit: "KHONG-DIA-CHI", Subject: "Kết quả sơ bộ", Status: DeliveryFailed,
			Error: "Chưa có địa chỉ", At: at})
		if err := s.RecordDeliveries(ctx, ds); err != nil {
			t.Fatal(err)
		}
		// A retry records the same rows again: nothing changes.
		if err := s.RecordDeliveries(ctx, ds[:10]); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordDeliveries(ctx, []NoticeDelivery{
			{Notice: "n2", Kind: "reminder", Year: 2026, Unit: "U001", Subject: "Nhắc hạn", Address: "x@u1.example.vn", Status: DeliverySent, At: at.Add(time.Hour)},
			{Notice: "n3", Kind: "reminder", Year: 2025, Unit: "U001", Subject: "Năm trước", Address: "x@u1.example.vn", Status: DeliverySent, At: at},
		}); err != nil {
			t.Fatal(err)
		}
		done, err := s.Delivered(ctx, "n1")
		if err != nil || len(done) != 600 || !done["a7@example.vn"] {
			t.Errorf("delivered %d %v", len(done), err)
		}
		log, err := s.Notices(ctx, 2026, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		if log.Total != 2 || log.Sent != 599 || log.Failed != 3 {
			t.Errorf("totals %d notices, %d sent, %d failed; want 2, 599, 3", log.Total, log.Sent, log.Failed)
		}
		if len(log.Notices) != 1 || log.Notices[0].Notice != "n2" || log.Notices[0].Unit != "U001" || log.Notices[0].Sent != 1 {
			t.Fatalf("first page %+v, want the newest notice (n2)", log.Notices)
		}
		log, err = s.Notices(ctx, 2026, 1, 1)
		if err != nil || len(log.Notices) != 1 {
			t.Fatalf("second page %+v %v", log, err)
		}
		n := log.Notices[0]
		if n.Notice != "n1" || n.Unit != "" || n.Units != 301 || n.Sent != 598 || n.Failed != 3 || !n.At.Equal(at) || n.Subject != "Kết quả sơ bộ" {
			t.Errorf("broadcast %+v", n)
		}
		var failed []string
		for _, f := range n.Failures {
			failed = append(failed, f.Unit+"/"+f.Address)
		}
		if want := []string{"KHONG-DIA-CHI/", "U003/a7@example.vn", "U004/a8@example.vn"}; !slices.Equal(failed, want) {
			t.Errorf("failures %v, want %v", failed, want)
		}
		if empty, err := s.Notices(ctx, 2024, 20, 0); err != nil || empty.Total != 0 || empty.Notices == nil {
			t.Errorf("a year without notices: %+v %v", empty, err)
		}
	})
}

func TestMigrateFromVersion2AddsEmail(t *testing.T) {
	eachDB(t, func(t *testing.T, d db) {
		old := d.openAt(Options{}, 2)
		withUnits(t, old, "SO-A")
		addOldUser(t, old, "an", RoleSubmitter, "SO-A", 1)
		old.Close()
		s := d.open(Options{})
		if u := mustGet(t, s, "an"); u.Email != "" || u.Unit != "SO-A" {
			t.Errorf("user after the upgrade %+v", u)
		}
		if err := s.SetEmail(ctx, "admin", "an", "an@so-a.example.vn"); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordDeliveries(ctx, []NoticeDelivery{{Notice: "n", Kind: "reminder", Year: 2026, Unit: "SO-A", Subject: "s", Address: "an@so-a.example.vn", Status: DeliverySent}}); err != nil {
			t.Fatal(err)
		}
	})
}

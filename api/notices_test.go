package api

import (
	"context"
	"net/http"
	"testing"
	"time"

	"ictindex/api/store"
)

func TestNoticeLogAPI(t *testing.T) {
	needStack(t)
	const year = 2041
	at := time.Date(2041, 11, 17, 1, 0, 0, 0, time.UTC)
	if err := env.users.RecordDeliveries(context.Background(), []store.NoticeDelivery{
		{Notice: "api-n1", Kind: "preliminary", Year: year, Unit: unitA, Subject: "Kết quả sơ bộ", Address: "a@a.example.vn", Status: store.DeliverySent, At: at},
		{Notice: "api-n1", Kind: "preliminary", Year: year, Unit: unitB, Subject: "Kết quả sơ bộ", Address: "b@b.example.vn", Status: store.DeliveryFailed, Error: "550 5.1.1 no such mailbox", At: at},
		{Notice: "api-n2", Kind: "reminder", Year: year, Unit: unitA, Subject: "Nhắc hạn", Address: "a@a.example.vn", Status: store.DeliverySent, At: at.Add(time.Hour)},
	}); err != nil {
		t.Fatal(err)
	}
	var log store.NoticeLog
	as(uAppraiser).Must(t, http.StatusOK, "GET", "/api/campaigns/2041/notices?limit=1&offset=1", payload{}, &log)
	if log.Total != 2 || log.Sent != 2 || log.Failed != 1 || len(log.Notices) != 1 {
		t.Fatalf("log %+v", log)
	}
	n := log.Notices[0]
	if n.Notice != "api-n1" || n.Sent != 1 || n.Failed != 1 || len(n.Failures) != 1 || n.Failures[0].Address != "b@b.example.vn" {
		t.Errorf("second page %+v, want the older broadcast with its failure", n)
	}
	for _, q := range []string{"limit=0", "limit=201", "limit=x", "offset=-1"} {
		st, body, _ := as(uAdmin).Send(t, "GET", "/api/campaigns/2041/notices?"+q, payload{})
		if st != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", q, st)
			continue
		}
		if e := apiError(t, body); len(e.Fields) != 1 {
			t.Errorf("%s: fields %+v", q, e.Fields)
		}
	}
}

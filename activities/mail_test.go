package activities_test

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"ictindex/activities"
	"ictindex/archive"
	"ictindex/scoring"
)

// fakeDirectory answers addresses from maps.
type fakeDirectory struct {
	units map[string][]string // the active units' addresses
	dept  []string
}

func (d fakeDirectory) UnitAddresses(_ context.Context, units []string) (map[string][]string, error) {
	out := map[string][]string{}
	if units == nil {
		for u, a := range d.units {
			out[u] = a
		}
		return out, nil
	}
	for _, u := range units {
		if a, ok := d.units[u]; ok {
			out[u] = a
		}
	}
	return out, nil
}

func (d fakeDirectory) DepartmentAddresses(context.Context) ([]string, error) { return d.dept, nil }

// memLog is a DeliveryLog in memory.
type memLog struct {
	mu sync.Mutex
	ds []activities.Delivery
}

func (l *memLog) RecordDeliveries(_ context.Context, ds []activities.Delivery) error {
	l.mu.Lock()
	defer l.mu.Unlock()
next:
	for _, d := range ds {
		for _, o := range l.ds {
			if o.Notice == d.Notice && o.Unit == d.Unit && strings.EqualFold(o.Address, d.Address) {
				continue next
			}
		}
		l.ds = append(l.ds, d)
	}
	return nil
}

func (l *memLog) Delivered(_ context.Context, notice string) (map[string]bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]bool{}
	for _, d := range l.ds {
		if d.Notice == notice && d.Address != "" {
			out[strings.ToLower(d.Address)] = true
		}
	}
	return out, nil
}

// byStatus returns the addresses logged with the status, sorted.
func (l *memLog) byStatus(status string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, d := range l.ds {
		if d.Status == status {
			out = append(out, d.Address)
		}
	}
	slices.Sort(out)
	return out
}

// rosterArchive serves one roster; the other Archive methods are unused.
type rosterArchive struct {
	activities.Archive
	year  int
	units []string
}

func (a rosterArchive) GetDocument(_ context.Context, key, _ string) ([]byte, error) {
	if key != activities.RosterKey(a.year) {
		return nil, archive.ErrNotFound
	}
	refs := make([]activities.UnitRef, len(a.units))
	for i, u := range a.units {
		refs[i] = activities.UnitRef{Unit: scoring.Unit{Code: u, Name: u}, Annex: "PL01"}
	}
	return json.Marshal(refs)
}

const (
	testFrom    = "Sở Thông tin và Truyền thông <noreply@stttt.example.vn>"
	testSubject = "Nhắc hạn gửi báo cáo đánh giá năm 2026: còn 3 ngày"
	testBody    = "Đơn vị chưa gửi báo cáo.\nHạn cuối: 17:00 20/11/2026 — xin khẩn trương hoàn thành <ngay>."
)

func mailer(t *testing.T, port int, security string, pool *x509.CertPool, dir fakeDirectory, log *memLog) *activities.Mailer {
	t.Helper()
	cfg := activities.SMTPConfig{Host: "127.0.0.1", Port: port, Security: security, User: "ictindex", Password: "mật-khẩu", From: testFrom,
		RootCAs: pool, Timeout: 5 * time.Second}
	if security == activities.SMTPNone {
		cfg.User, cfg.Password = "", ""
	}
	m, err := activities.NewMailer(cfg, dir, log, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func unitNotice() activities.Notice {
	// The subject arrives decomposed (NFD): the mail carries it in NFC.
	return activities.Notice{Kind: "reminder", Year: 2026, Unit: "SYT", Subject: decompose(testSubject), Body: testBody,
		At: time.Date(2026, 11, 17, 8, 0, 0, 0, time.UTC)}
}

// decompose writes "ắ" and friends as base letter + combining marks.
func decompose(s string) string {
	return strings.NewReplacer("ắ", "ă\u0301", "ở", "ơ\u0309", "ệ", "ê\u0323").Replace(s)
}

// parsed is a received message, decoded.
type parsed struct {
	Header     mail.Header
	Subject    string
	Text, HTML string
}

func parseMail(t *testing.T, data string) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(data))
	if err != nil {
		t.Fatalf("message does not parse: %v\n%s", err, data)
	}
	var p parsed
	p.Header = msg.Header
	if p.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatalf("subject %q: %v", msg.Header.Get("Subject"), err)
	}
	for _, h := range []string{"Date", "Message-ID", "To", "From"} {
		if msg.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	if _, err := msg.Header.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Fatalf("Content-Type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if cte := part.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
			t.Errorf("part encoded %q", cte)
		}
		body, err := io.ReadAll(quotedprintable.NewReader(part))
		if err != nil {
			t.Fatal(err)
		}
		switch ct := part.Header.Get("Content-Type"); ct {
		case "text/plain; charset=utf-8":
			p.Text = strings.ReplaceAll(string(body), "\r\n", "\n")
		case "text/html; charset=utf-8":
			p.HTML = string(body)
		default:
			t.Errorf("unexpected part %q", ct)
		}
	}
	return p
}

func TestMailUnitNoticeOverSTARTTLS(t *testing.T) {
	cert, pool := testCert(t)
	srv := startSMTP(t, &cert, false, "ictindex", "mật-khẩu")
	log := &memLog{}
	dir := fakeDirectory{units: map[string][]string{"SYT": {"vanthu@syt.example.vn", "nguyen.a@syt.example.vn", "VANTHU@syt.example.vn"}}}
	m := mailer(t, srv.Port, activities.SMTPStartTLS, pool, dir, log)
	if err := m.Notify(context.Background(), unitNotice()); err != nil {
		t.Fatal(err)
	}
	mails := srv.Mails()
	if len(mails) != 1 {
		t.Fatalf("got %d messages, want 1", len(mails))
	}
	got := mails[0]
	if !got.TLS || !got.Authed {
		t.Errorf("TLS %v, authenticated %v: want both", got.TLS, got.Authed)
	}
	if got.From != "noreply@stttt.example.vn" {
		t.Errorf("MAIL FROM %q", got.From)
	}
	if want := []string{"vanthu@syt.example.vn", "nguyen.a@syt.example.vn"}; !slices.Equal(got.Rcpts, want) {
		t.Errorf("recipients %v, want %v (one per address, case aside)", got.Rcpts, want)
	}
	p := parseMail(t, got.Data)
	if p.Subject != testSubject {
		t.Errorf("subject %q, want %q (NFC)", p.Subject, testSubject)
	}
	to, err := p.Header.AddressList("To")
	if err != nil || len(to) != 2 {
		t.Errorf("To %q: %v", p.Header.Get("To"), err)
	}
	from, err := p.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Sở Thông tin và Truyền thông" {
		t.Errorf("From %q: %v", p.Header.Get("From"), err)
	}
	if !strings.Contains(p.Text, testBody) || !strings.Contains(p.Text, "năm 2026") {
		t.Errorf("text body lacks the notice:\n%s", p.Text)
	}
	if !strings.Contains(p.HTML, "Hạn cuối: 17:00 20/11/2026 — xin khẩn trương hoàn thành &lt;ngay&gt;.") || !strings.Contains(p.HTML, `lang="vi"`) {
		t.Errorf("HTML body lacks the escaped notice:\n%s", p.HTML)
	}
	if sent := log.byStatus(activities.DeliverySent); len(sent) != 2 {
		t.Errorf("logged sent %v, want both addresses", sent)
	}
	for _, d := range log.ds {
		if d.Kind != "reminder" || d.Year != 2026 || d.Unit != "SYT" || d.Subject != testSubject || d.At.IsZero() {
			t.Errorf("log entry %+v", d)
		}
	}
}

func TestMailRefusedRecipientIsLoggedNotRetried(t *testing.T) {
	cert, pool := testCert(t)
	srv := startSMTP(t, &cert, false, "ictindex", "mật-khẩu")
	srv.Refuse("khongco@syt.example.vn", "550 5.1.1 no such mailbox")
	log := &memLog{}
	dir := fakeDirectory{units: map[string][]string{"SYT": {"vanthu@syt.example.vn", "khongco@syt.example.vn"}}}
	m := mailer(t, srv.Port, activities.SMTPStartTLS, pool, dir, log)
	if err := m.Notify(context.Background(), unitNotice()); err != nil {
		t.Fatalf("a refused address failed the notice: %v", err)
	}
	if got := srv.Mails(); len(got) != 1 || !slices.Equal(got[0].Rcpts, []string{"vanthu@syt.example.vn"}) {
		t.Fatalf("delivered %+v, want one message to the other address", got)
	}
	if got := log.byStatus(activities.DeliveryFailed); !slices.Equal(got, []string{"khongco@syt.example.vn"}) {
		t.Errorf("failed %v", got)
	}
	for _, d := range log.ds {
		if d.Status == activities.DeliveryFailed && !strings.Contains(d.Error, "550") {
			t.Errorf("failure logged without the server's answer: %q", d.Error)
		}
	}
	// A second run (a retry) sends nothing again.
	if err := m.Notify(context.Background(), unitNotice()); err != nil {
		t.Fatal(err)
	}
	if got := len(srv.Mails()); got != 1 {
		t.Errorf("a repeated notice sent %d messages in all, want 1", got)
	}
}

func TestMailTemporaryRefusalRetriesTheRest(t *testing.T) {
	cert, pool := testCert(t)
	srv := startSMTP(t, &cert, false, "ictindex", "mật-khẩu")
	srv.Refuse("b@syt.example.vn", "451 4.7.1 try again later")
	log := &memLog{}
	dir := fakeDirectory{units: map[string][]string{"SYT": {"a@syt.example.vn"}, "STC": {"b@syt.example.vn", "c@stc.example.vn"}}}
	m := mailer(t, srv.Port, activities.SMTPStartTLS, pool, dir, log)
	m.Config.Batch = 1
	n := unitNotice()
	n.Unit = ""
	if err := m.Notify(context.Background(), n); err == nil {
		t.Fatal("a 451 did not make the activity retry")
	}
	srv.Refuse("b@syt.example.vn", "")
	if err := m.Notify(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	var rcpts []string
	for _, mm := range srv.Mails() {
		rcpts = append(rcpts, mm.Rcpts...)
	}
	slices.Sort(rcpts)
	if want := []string{"a@syt.example.vn", "b@syt.example.vn", "c@stc.example.vn"}; !slices.Equal(rcpts, want) {
		t.Errorf("over both tries sent to %v, want each once: %v", rcpts, want)
	}
}

func TestMailBroadcastInBccBatches(t *testing.T) {
	srv := startSMTP(t, nil, false, "", "")
	log := &memLog{}
	dir := fakeDirectory{units: map[string][]string{
		"SYT": {"a@syt.example.vn", "b@syt.example.vn"}, "STC": {"c@stc.example.vn"}, "SGD": {"d@sgd.example.vn", "e@sgd.example.vn"},
		"UBND-X": nil, "NGOAI": {"khong-tham-gia@example.vn"}}}
	m := mailer(t, srv.Port, activities.SMTPNone, nil, dir, log)
	m.Config.Batch = 2
	m.Roster = rosterArchive{year: 2026, units: []string{"SYT", "STC", "SGD", "UBND-X"}}
	n := activities.Notice{Kind: "preliminary", Year: 2026, Subject: "Kết quả sơ bộ đánh giá năm 2026", Body: "Xem bảng điểm.", At: time.Now()}
	if err := m.Notify(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	mails := srv.Mails()
	if len(mails) != 3 {
		t.Fatalf("got %d messages, want 3 batches of at most 2", len(mails))
	}
	var all []string
	for _, mm := range mails {
		all = append(all, mm.Rcpts...)
		p := parseMail(t, mm.Data)
		if to := p.Header.Get("To"); strings.Contains(to, "@syt") || strings.Contains(to, "@stc") || strings.Contains(to, "@sgd") {
			t.Errorf("a recipient shows in To: %q", to)
		}
		if strings.Contains(mm.Data, "Bcc") || strings.Contains(mm.Data, "a@syt") {
			t.Errorf("the message names a Bcc recipient:\n%s", mm.Data)
		}
	}
	slices.Sort(all)
	if want := []string{"a@syt.example.vn", "b@syt.example.vn", "c@stc.example.vn", "d@sgd.example.vn", "e@sgd.example.vn"}; !slices.Equal(all, want) {
		t.Errorf("recipients %v, want the campaign's units' %v", all, want)
	}
	var noAddress []string
	for _, d := range log.ds {
		if d.Address == "" {
			noAddress = append(noAddress, d.Unit)
		}
	}
	if !slices.Equal(noAddress, []string{"UBND-X"}) {
		t.Errorf("units logged without address %v, want [UBND-X]", noAddress)
	}
}

func TestMailImplicitTLS(t *testing.T) {
	cert, pool := testCert(t)
	srv := startSMTP(t, &cert, true, "ictindex", "mật-khẩu")
	log := &memLog{}
	dir := fakeDirectory{dept: []string{"lanhdao@stttt.example.vn"}}
	m := mailer(t, srv.Port, activities.SMTPTLS, pool, dir, log)
	n := activities.Notice{Kind: "drafted", Year: 2026, Subject: "Dự thảo quyết định công bố kết quả đánh giá năm 2026", Body: "Chờ lãnh đạo phê duyệt.", At: time.Now()}
	if err := m.Notify(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	mails := srv.Mails()
	if len(mails) != 1 || !mails[0].TLS || !slices.Equal(mails[0].Rcpts, []string{"lanhdao@stttt.example.vn"}) {
		t.Fatalf("got %+v, want one message over TLS to the department", mails)
	}
	if p := parseMail(t, mails[0].Data); p.Subject != n.Subject {
		t.Errorf("subject %q", p.Subject)
	}
}

func TestMailRefusesAnUntrustedCertificate(t *testing.T) {
	cert, _ := testCert(t)
	srv := startSMTP(t, &cert, false, "ictindex", "mật-khẩu")
	_, otherPool := testCert(t)
	dir := fakeDirectory{units: map[string][]string{"SYT": {"a@syt.example.vn"}}}
	m := mailer(t, srv.Port, activities.SMTPStartTLS, otherPool, dir, &memLog{})
	if err := m.Notify(context.Background(), unitNotice()); err == nil {
		t.Fatal("sent over TLS to a server whose certificate is not trusted")
	}
	if len(srv.Mails()) != 0 {
		t.Error("a message went through")
	}
}

func TestMailServerDownFailsTheActivity(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	log := &memLog{}
	dir := fakeDirectory{units: map[string][]string{"SYT": {"a@syt.example.vn"}}}
	var ts testsuite.WorkflowTestSuite
	e := ts.NewTestActivityEnvironment()
	acts := &activities.Activities{Notifier: mailer(t, port, activities.SMTPNone, nil, dir, log)}
	e.RegisterActivity(acts)
	_, err = e.ExecuteActivity(acts.Notify, unitNotice())
	if err == nil {
		t.Fatal("the activity succeeded with the mail server down")
	}
	if !strings.Contains(err.Error(), "kết nối máy chủ thư") {
		t.Errorf("error %q does not say what failed", err)
	}
	if len(log.ds) != 0 {
		t.Errorf("logged %+v though nothing was sent", log.ds)
	}
}

func TestMailActivitySendsWithHeartbeat(t *testing.T) {
	srv := startSMTP(t, nil, false, "", "")
	log := &memLog{}
	dir := fakeDirectory{units: map[string][]string{"SYT": {"a@syt.example.vn"}}}
	var ts testsuite.WorkflowTestSuite
	e := ts.NewTestActivityEnvironment()
	acts := &activities.Activities{Notifier: mailer(t, srv.Port, activities.SMTPNone, nil, dir, log)}
	e.RegisterActivity(acts)
	if _, err := e.ExecuteActivity(acts.Notify, unitNotice()); err != nil {
		t.Fatal(err)
	}
	if len(srv.Mails()) != 1 {
		t.Errorf("got %d messages", len(srv.Mails()))
	}
}

func TestSMTPConfigFromEnv(t *testing.T) {
	clear := func() {
		for _, k := range []string{activities.EnvSMTPHost, activities.EnvSMTPPort, activities.EnvSMTPSecurity, activities.EnvSMTPUser, activities.EnvSMTPPassword, activities.EnvSMTPFrom} {
			t.Setenv(k, "")
		}
	}
	t.Run("unset", func(t *testing.T) {
		clear()
		if _, ok, err := activities.SMTPConfigFromEnv(); ok || err != nil {
			t.Errorf("ok %v, err %v: want no mail and no error", ok, err)
		}
	})
	t.Run("defaults", func(t *testing.T) {
		clear()
		t.Setenv(activities.EnvSMTPHost, "mail.example.vn")
		t.Setenv(activities.EnvSMTPFrom, "noreply@example.vn")
		c, ok, err := activities.SMTPConfigFromEnv()
		if !ok || err != nil || c.Port != 587 || c.Security != activities.SMTPStartTLS {
			t.Errorf("%+v ok %v err %v", c, ok, err)
		}
	})
	t.Run("bad values", func(t *testing.T) {
		clear()
		t.Setenv(activities.EnvSMTPHost, "mail.example.vn")
		t.Setenv(activities.EnvSMTPPort, "70000")
		t.Setenv(activities.EnvSMTPSecurity, "ssl")
		t.Setenv(activities.EnvSMTPUser, "u")
		t.Setenv(activities.EnvSMTPFrom, "không phải địa chỉ")
		_, _, err := activities.SMTPConfigFromEnv()
		if err == nil {
			t.Fatal("accepted bad settings")
		}
		for _, env := range []string{activities.EnvSMTPPort, activities.EnvSMTPSecurity, activities.EnvSMTPPassword, activities.EnvSMTPFrom} {
			if !strings.Contains(err.Error(), env) {
				t.Errorf("error does not name %s:\n%v", env, err)
			}
		}
	})
	t.Run("plain text only to loopback", func(t *testing.T) {
		clear()
		t.Setenv(activities.EnvSMTPHost, "mail.example.vn")
		t.Setenv(activities.EnvSMTPSecurity, "none")
		t.Setenv(activities.EnvSMTPFrom, "noreply@example.vn")
		if _, _, err := activities.SMTPConfigFromEnv(); err == nil || !strings.Contains(err.Error(), activities.EnvSMTPSecurity) {
			t.Errorf("err %v, want a refusal naming %s", err, activities.EnvSMTPSecurity)
		}
	})
	t.Run("settings without host", func(t *testing.T) {
		clear()
		t.Setenv(activities.EnvSMTPFrom, "noreply@example.vn")
		if _, _, err := activities.SMTPConfigFromEnv(); err == nil || !strings.Contains(err.Error(), activities.EnvSMTPHost) {
			t.Errorf("err %v, want one naming %s", err, activities.EnvSMTPHost)
		}
	})
}

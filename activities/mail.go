package activities

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/smtp"
	"net/textproto"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/activity"
	"golang.org/x/text/unicode/norm"

	"ictindex/archive"
)

// Directory finds the addresses notices go to. The users database
// implements it; activities only know this much of it.
type Directory interface {
	// UnitAddresses returns, for each unit code asked, the unit's contact
	// addresses from the registry and those of its users who have one.
	// nil units means every active unit of the registry. A unit with no
	// address may be missing from the map.
	UnitAddresses(ctx context.Context, units []string) (map[string][]string, error)
	// DepartmentAddresses are the addresses of the department's users
	// (administrators, appraisers, leaders) who have one.
	DepartmentAddresses(ctx context.Context) ([]string, error)
}

// Delivery statuses.
const (
	DeliverySent   = "sent"
	DeliveryFailed = "failed"
)

// Delivery is one address a notice went to, or could not go to.
type Delivery struct {
	// Notice identifies the notice (NoticeKey): the same on every retry.
	Notice  string    `json:"notice"`
	Kind    string    `json:"kind"`
	Year    int       `json:"year"`
	Unit    string    `json:"unit,omitempty"` // the unit the address belongs to
	Subject string    `json:"subject"`
	Address string    `json:"address"` // empty: the unit has no address at all
	Status  string    `json:"status"`  // DeliverySent or DeliveryFailed
	Error   string    `json:"error,omitempty"`
	At      time.Time `json:"at"`
}

// DeliveryLog keeps every delivery, shared by all replicas.
type DeliveryLog interface {
	// RecordDeliveries stores deliveries; one already stored for the same
	// notice, unit and address is kept as it is.
	RecordDeliveries(ctx context.Context, ds []Delivery) error
	// Delivered returns the addresses (lower case) a notice was already
	// sent to or refused for, so that a retry sends only the rest.
	Delivered(ctx context.Context, notice string) (map[string]bool, error)
}

// departmentKinds are the notices meant for the department, not units.
var departmentKinds = map[string]bool{"drafted": true}

// NoticeKey identifies a notice: the same notice (a retried activity) has
// the same key.
func NoticeKey(n Notice) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00%s\x00%s\x00%s", n.Kind, n.Year, n.Unit, n.Subject, n.At.UTC().Format(time.RFC3339Nano))
	return hex.EncodeToString(h.Sum(nil))[:24]
}

// Mailer sends notices by e-mail over SMTP. A notice to a unit goes to its
// addresses in To; a notice to every unit goes in batches of Bcc
// recipients, so that no message is addressed to thousands. Addresses the
// server refuses for good (5xx) are logged as failed and do not fail the
// notice; anything temporary (no connection, 4xx) is an error, so that the
// activity retries, sending only to the addresses not yet logged.
type Mailer struct {
	Config    SMTPConfig
	Directory Directory
	Log       DeliveryLog
	// Roster reads campaign rosters, so that a notice to every unit goes
	// to the campaign's units; nil, or no roster, means the registry's
	// active units.
	Roster Archive
	Logger *slog.Logger
	// Now is the clock of the Date header and the log (nil: time.Now).
	Now func() time.Time
}

// NewMailer checks the configuration and returns the mailer.
func NewMailer(cfg SMTPConfig, dir Directory, log DeliveryLog, roster Archive, logger *slog.Logger) (*Mailer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if dir == nil || log == nil {
		return nil, errors.New("mailer: a directory and a delivery log are needed")
	}
	return &Mailer{Config: cfg.withDefaults(), Directory: dir, Log: log, Roster: roster, Logger: logger}, nil
}

// recipient is an address and the unit it belongs to ("" for the
// department).
type recipient struct {
	Address, Unit string
}

// Notify sends the notice to whom it concerns.
func (m *Mailer) Notify(ctx context.Context, n Notice) error {
	cfg := m.Config.withDefaults()
	now := time.Now
	if m.Now != nil {
		now = m.Now
	}
	logger := m.Logger
	if logger == nil {
		logger = slog.Default()
	}
	key := NoticeKey(n)
	subject, text := noticeMessage(n)
	entry := func(r recipient, status, msg string) Delivery {
		return Delivery{Notice: key, Kind: n.Kind, Year: n.Year, Unit: r.Unit, Subject: subject, Address: r.Address,
			Status: status, Error: msg, At: now()}
	}
	rcpts, missing, err := m.recipients(ctx, n)
	if err != nil {
		return fmt.Errorf("tìm người nhận thông báo: %w", err)
	}
	if len(missing) > 0 {
		ds := make([]Delivery, len(missing))
		for i, u := range missing {
			ds[i] = entry(recipient{Unit: u}, DeliveryFailed, "Chưa có địa chỉ thư điện tử nào (danh mục đơn vị, tài khoản người dùng)")
		}
		if err := m.Log.RecordDeliveries(ctx, ds); err != nil {
			return fmt.Errorf("ghi nhật ký thông báo: %w", err)
		}
	}
	done, err := m.Log.Delivered(ctx, key)
	if err != nil {
		return fmt.Errorf("đọc nhật ký thông báo: %w", err)
	}
	todo := rcpts[:0:0]
	for _, r := range rcpts {
		if !done[strings.ToLower(r.Address)] {
			todo = append(todo, r)
		}
	}
	if len(todo) == 0 {
		if len(rcpts) == 0 {
			logger.Warn("thông báo không có người nhận", "kind", n.Kind, "year", n.Year, "unit", n.Unit, "subject", subject)
		}
		return nil
	}

	from, _ := parseAddress(cfg.From)
	domain := from.Address[strings.LastIndexByte(from.Address, '@')+1:]
	s, err := dialSMTP(ctx, cfg, domain)
	if err != nil {
		return err
	}
	defer s.close()
	bcc := n.Unit == "" && !departmentKinds[n.Kind]
	var sent, failed int
	for lo := 0; lo < len(todo); lo += cfg.Batch {
		batch := todo[lo:min(lo+cfg.Batch, len(todo))]
		s.extend()
		ok, refused, err := s.send(batch, func(accepted []recipient) ([]byte, error) {
			msg := mailMessage{From: from.String(), Subject: subject, Text: text, Date: now(), IDKey: key, Domain: domain}
			if bcc {
				msg.To = []string{from.String()}
			} else {
				for _, r := range accepted {
					msg.To = append(msg.To, r.Address)
				}
			}
			return msg.bytes()
		})
		ds := make([]Delivery, 0, len(ok)+len(refused))
		for _, r := range ok {
			ds = append(ds, entry(r, DeliverySent, ""))
		}
		for _, f := range refused {
			ds = append(ds, entry(f.recipient, DeliveryFailed, f.reason))
		}
		if len(ds) > 0 {
			if lerr := m.Log.RecordDeliveries(ctx, ds); lerr != nil {
				return errors.Join(err, fmt.Errorf("ghi nhật ký thông báo: %w", lerr))
			}
		}
		sent, failed = sent+len(ok), failed+len(refused)
		if err != nil {
			return err
		}
		if activity.IsActivity(ctx) {
			activity.RecordHeartbeat(ctx, lo+len(batch))
		}
	}
	s.quit()
	logger.Info("đã gửi thông báo qua thư điện tử", "kind", n.Kind, "year", n.Year, "unit", n.Unit, "subject", subject, "sent", sent, "failed", failed, "units_without_address", len(missing))
	return nil
}

// recipients resolves who the notice goes to: one unit's addresses, the
// department's, or every unit's of the campaign. missing lists the units
// without any address.
func (m *Mailer) recipients(ctx context.Context, n Notice) (rcpts []recipient, missing []string, err error) {
	seen := map[string]bool{}
	add := func(addr, unit string) {
		addr = norm.NFC.String(strings.TrimSpace(addr))
		if k := strings.ToLower(addr); addr != "" && !seen[k] {
			seen[k] = true
			rcpts = append(rcpts, recipient{addr, unit})
		}
	}
	if departmentKinds[n.Kind] && n.Unit == "" {
		addrs, err := m.Directory.DepartmentAddresses(ctx)
		if err != nil {
			return nil, nil, err
		}
		for _, a := range addrs {
			add(a, "")
		}
		return rcpts, nil, nil
	}
	var units []string
	if n.Unit != "" {
		units = []string{n.Unit}
	} else if units, err = m.campaignUnits(ctx, n.Year); err != nil {
		return nil, nil, err
	}
	byUnit, err := m.Directory.UnitAddresses(ctx, units)
	if err != nil {
		return nil, nil, err
	}
	if units == nil { // the registry's active units, in a stable order
		for u := range byUnit {
			units = append(units, u)
		}
		slices.Sort(units)
	}
	for _, u := range units {
		before := len(rcpts)
		for _, a := range byUnit[u] {
			add(a, u)
		}
		if len(rcpts) == before && len(byUnit[u]) == 0 {
			missing = append(missing, u)
		}
	}
	return rcpts, missing, nil
}

// campaignUnits reads the codes of the campaign's units from its roster;
// nil when there is no roster.
func (m *Mailer) campaignUnits(ctx context.Context, year int) ([]string, error) {
	if m.Roster == nil {
		return nil, nil
	}
	data, err := m.Roster.GetDocument(ctx, RosterKey(year), "")
	if errors.Is(err, archive.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("đọc danh sách đơn vị của đợt %d: %w", year, err)
	}
	var refs []UnitRef
	if err := json.Unmarshal(data, &refs); err != nil {
		return nil, fmt.Errorf("danh sách đơn vị của đợt %d: %w", year, err)
	}
	codes := make([]string, 0, len(refs))
	for _, r := range refs {
		codes = append(codes, r.Unit.Code)
	}
	return codes, nil
}

// smtpSession is one connection to the mail server.
type smtpSession struct {
	c       *smtp.Client
	conn    net.Conn
	from    string
	timeout time.Duration
	stop    func() bool
}

// refusal is an address the server refused for good, and why.
type refusal struct {
	recipient
	reason string
}

// dialSMTP connects, secures the connection as configured and logs in.
// Every failure here is temporary for the activity: it retries.
func dialSMTP(ctx context.Context, cfg SMTPConfig, domain string) (*smtpSession, error) {
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	d := net.Dialer{Timeout: cfg.Timeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("kết nối máy chủ thư %s: %w", addr, err)
	}
	tlsCfg := &tls.Config{ServerName: cfg.Host, RootCAs: cfg.RootCAs, MinVersion: tls.VersionTLS12}
	if cfg.Security == SMTPTLS {
		conn = tls.Client(conn, tlsCfg)
	}
	s := &smtpSession{conn: conn, timeout: cfg.Timeout}
	s.stop = context.AfterFunc(ctx, func() { conn.Close() })
	s.extend()
	fail := func(step string, err error) (*smtpSession, error) {
		s.close()
		return nil, fmt.Errorf("máy chủ thư %s, %s: %w", addr, step, err)
	}
	if s.c, err = smtp.NewClient(conn, cfg.Host); err != nil {
		return fail("chào", err)
	}
	if err := s.c.Hello(heloName(domain)); err != nil {
		return fail("EHLO", err)
	}
	if cfg.Security == SMTPStartTLS {
		if ok, _ := s.c.Extension("STARTTLS"); !ok {
			return fail("STARTTLS", errors.New("máy chủ không hỗ trợ STARTTLS (đặt ICTINDEX_SMTP_SECURITY=tls nếu máy chủ dùng TLS ngay từ đầu)"))
		}
		if err := s.c.StartTLS(tlsCfg); err != nil {
			return fail("STARTTLS", err)
		}
	}
	if cfg.User != "" {
		if ok, _ := s.c.Extension("AUTH"); !ok {
			return fail("AUTH", errors.New("máy chủ không nhận đăng nhập"))
		}
		if err := s.c.Auth(smtp.PlainAuth("", cfg.User, cfg.Password, cfg.Host)); err != nil {
			return fail("đăng nhập", err)
		}
	}
	from, _ := parseAddress(cfg.From)
	s.from = from.Address
	return s, nil
}

// heloName is this machine's name when it has a domain, else the sender's
// domain: a bare "localhost" is refused by some servers.
func heloName(domain string) string {
	if h, err := os.Hostname(); err == nil && strings.Contains(h, ".") {
		return h
	}
	return domain
}

// extend gives the next exchange a fresh deadline.
func (s *smtpSession) extend() { _ = s.conn.SetDeadline(time.Now().Add(s.timeout)) }

func (s *smtpSession) quit() {
	if s.c != nil {
		_ = s.c.Quit()
	}
}

func (s *smtpSession) close() {
	s.stop()
	if s.c != nil {
		_ = s.c.Close()
	} else {
		_ = s.conn.Close()
	}
}

// permanent reports whether the server refused for good (5xx), and its
// words.
func permanent(err error) (string, bool) {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 && te.Code < 600 {
		return fmt.Sprintf("%d %s", te.Code, te.Msg), true
	}
	return "", false
}

// send sends one message to a batch: the accepted addresses are ok, those
// refused for good are refused; err is a temporary failure (the batch's
// accepted addresses are then not ok: a retry sends to them again).
func (s *smtpSession) send(batch []recipient, build func(accepted []recipient) ([]byte, error)) (ok []recipient, refused []refusal, err error) {
	if err := s.c.Mail(s.from); err != nil {
		return nil, nil, fmt.Errorf("MAIL FROM:<%s>: %w", s.from, err)
	}
	var accepted []recipient
	for _, r := range batch {
		err := s.c.Rcpt(r.Address)
		if err == nil {
			accepted = append(accepted, r)
			continue
		}
		if why, perm := permanent(err); perm {
			refused = append(refused, refusal{r, why})
			continue
		}
		_ = s.c.Reset()
		return nil, refused, fmt.Errorf("RCPT TO:<%s>: %w", r.Address, err)
	}
	if len(accepted) == 0 {
		_ = s.c.Reset()
		return nil, refused, nil
	}
	data, err := build(accepted)
	if err != nil {
		_ = s.c.Reset()
		return nil, refused, err
	}
	refuseAll := func(why string) ([]recipient, []refusal, error) {
		for _, r := range accepted {
			refused = append(refused, refusal{r, why})
		}
		return nil, refused, nil
	}
	w, err := s.c.Data()
	if err != nil {
		if why, perm := permanent(err); perm {
			_ = s.c.Reset()
			return refuseAll(why)
		}
		return nil, refused, fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return nil, refused, fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		if why, perm := permanent(err); perm {
			return refuseAll(why)
		}
		return nil, refused, fmt.Errorf("DATA: %w", err)
	}
	return accepted, refused, nil
}

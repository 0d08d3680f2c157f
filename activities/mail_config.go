package activities

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"time"
)

// SMTP security modes.
const (
	// SMTPStartTLS connects in clear and upgrades with STARTTLS before
	// anything else is said; a server without STARTTLS is refused.
	SMTPStartTLS = "starttls"
	// SMTPTLS is implicit TLS from the first byte (port 465).
	SMTPTLS = "tls"
	// SMTPNone is plain text, allowed only to a relay on this machine.
	SMTPNone = "none"
)

// Environment variables read by SMTPConfigFromEnv.
const (
	EnvSMTPHost     = "ICTINDEX_SMTP_HOST"
	EnvSMTPPort     = "ICTINDEX_SMTP_PORT"
	EnvSMTPSecurity = "ICTINDEX_SMTP_SECURITY"
	EnvSMTPUser     = "ICTINDEX_SMTP_USER"
	EnvSMTPPassword = "ICTINDEX_SMTP_PASSWORD"
	EnvSMTPFrom     = "ICTINDEX_SMTP_FROM"
)

// Defaults of SMTPConfig.
const (
	DefaultMailBatch   = 50
	DefaultMailTimeout = 30 * time.Second
)

// SMTPConfig says how notices leave by e-mail.
type SMTPConfig struct {
	// Host is the mail server's name or address; empty means no e-mail.
	Host string
	// Port defaults to 587 (starttls), 465 (tls) or 25 (none).
	Port int
	// Security is SMTPStartTLS (the default), SMTPTLS or SMTPNone.
	Security string
	// User and Password log in with AUTH PLAIN; no user, no login.
	User, Password string
	// From is the sender, "Sở TT&TT <noreply@example.gov.vn>" or a bare
	// address.
	From string
	// Batch is how many Bcc recipients one message of a notice to every
	// unit carries (DefaultMailBatch when 0).
	Batch int
	// Timeout bounds each exchange with the server (DefaultMailTimeout
	// when 0).
	Timeout time.Duration
	// RootCAs verify the server's certificate (nil: the system's).
	RootCAs *x509.CertPool
}

// SMTPConfigFromEnv reads the ICTINDEX_SMTP_* variables. ok is false when
// no host is set (notices are then only logged). The error lists every
// bad value, each naming its variable.
func SMTPConfigFromEnv() (c SMTPConfig, ok bool, err error) {
	c = SMTPConfig{
		Host:     strings.TrimSpace(os.Getenv(EnvSMTPHost)),
		Security: strings.ToLower(strings.TrimSpace(os.Getenv(EnvSMTPSecurity))),
		User:     os.Getenv(EnvSMTPUser),
		Password: os.Getenv(EnvSMTPPassword),
		From:     strings.TrimSpace(os.Getenv(EnvSMTPFrom)),
	}
	var errs []error
	if v := strings.TrimSpace(os.Getenv(EnvSMTPPort)); v != "" {
		p, perr := strconv.Atoi(v)
		if perr != nil || p < 1 || p > 65535 {
			errs = append(errs, fmt.Errorf("%s=«%s»: cổng phải là số từ 1 đến 65535", EnvSMTPPort, v))
		}
		c.Port = p
	}
	if c.Host == "" {
		for _, env := range []string{EnvSMTPPort, EnvSMTPSecurity, EnvSMTPUser, EnvSMTPPassword, EnvSMTPFrom} {
			if os.Getenv(env) != "" {
				return c, false, fmt.Errorf("%s được đặt nhưng %s trống: hãy đặt máy chủ thư, hoặc bỏ các biến ICTINDEX_SMTP_*", env, EnvSMTPHost)
			}
		}
		return c, false, nil
	}
	if verr := c.Validate(); verr != nil {
		errs = append(errs, verr)
	}
	return c.withDefaults(), true, errors.Join(errs...)
}

func (c SMTPConfig) withDefaults() SMTPConfig {
	if c.Security == "" {
		c.Security = SMTPStartTLS
	}
	if c.Port == 0 {
		switch c.Security {
		case SMTPTLS:
			c.Port = 465
		case SMTPNone:
			c.Port = 25
		default:
			c.Port = 587
		}
	}
	if c.Batch <= 0 {
		c.Batch = DefaultMailBatch
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultMailTimeout
	}
	return c
}

// Validate lists every bad setting, each naming its environment variable.
func (c SMTPConfig) Validate() error {
	c = c.withDefaults()
	var errs []error
	bad := func(env, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", env, fmt.Sprintf(format, args...)))
	}
	switch {
	case c.Host == "":
		bad(EnvSMTPHost, "trống: cần tên hoặc địa chỉ máy chủ thư")
	case strings.ContainsAny(c.Host, " /:@") && net.ParseIP(c.Host) == nil:
		bad(EnvSMTPHost, "«%s» không phải tên máy chủ (chỉ tên hoặc địa chỉ IP, không kèm cổng hay giao thức; cổng đặt ở %s)", c.Host, EnvSMTPPort)
	}
	if c.Port < 1 || c.Port > 65535 {
		bad(EnvSMTPPort, "cổng %d không nằm trong khoảng 1–65535", c.Port)
	}
	switch c.Security {
	case SMTPStartTLS, SMTPTLS:
	case SMTPNone:
		if c.Host != "" && !isLoopback(c.Host) {
			bad(EnvSMTPSecurity, "«none» (không mã hoá) chỉ dùng với máy chủ thư trên chính máy này (localhost, 127.0.0.1, ::1), không dùng với «%s»", c.Host)
		}
	default:
		bad(EnvSMTPSecurity, "«%s» không hợp lệ: chọn starttls, tls hoặc none", c.Security)
	}
	if c.Password != "" && c.User == "" {
		bad(EnvSMTPUser, "trống trong khi có mật khẩu %s", EnvSMTPPassword)
	}
	if c.User != "" && c.Password == "" {
		bad(EnvSMTPPassword, "trống trong khi có tài khoản %s", EnvSMTPUser)
	}
	if c.From == "" {
		bad(EnvSMTPFrom, "trống: cần địa chỉ người gửi, ví dụ «Sở TT&TT <noreply@stttt.example.gov.vn>»")
	} else if _, err := parseAddress(c.From); err != nil {
		bad(EnvSMTPFrom, "«%s» không phải địa chỉ thư điện tử hợp lệ", c.From)
	}
	return errors.Join(errs...)
}

// Masked is the configuration for the start-up log, without the password.
func (c SMTPConfig) Masked() string {
	c = c.withDefaults()
	s := fmt.Sprintf("%s:%d security=%s from=%s", c.Host, c.Port, c.Security, c.From)
	if c.User != "" {
		s += " user=" + c.User + " password=***"
	}
	return s
}

// parseAddress parses one address and insists on a dotted domain, as the
// unit registry does.
func parseAddress(s string) (*mail.Address, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, err
	}
	at := strings.LastIndexByte(a.Address, '@')
	if at < 1 || !strings.Contains(a.Address[at+1:], ".") && !isLoopback(a.Address[at+1:]) {
		return nil, fmt.Errorf("%q: domain without a dot", s)
	}
	return a, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

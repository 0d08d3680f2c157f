package activities_test

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpServer is a small SMTP server on 127.0.0.1 speaking enough of the
// protocol for the mailer: EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA,
// RSET, NOOP, QUIT. It keeps what it received.
type smtpServer struct {
	t        *testing.T
	ln       net.Listener
	Port     int
	tls      *tls.Config
	implicit bool // TLS from the first byte
	user     string
	password string

	mu     sync.Mutex
	refuse map[string]string // address → the RCPT answer ("550 …", "451 …")
	mails  []receivedMail
}

// receivedMail is one message as the server got it.
type receivedMail struct {
	From   string
	Rcpts  []string
	Data   string
	TLS    bool
	Authed bool
}

// testCert makes a self-signed certificate for 127.0.0.1 and localhost, and
// a pool that trusts it.
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "smtp test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// startSMTP starts a server; with a certificate it offers STARTTLS (or,
// implicit, speaks TLS at once) and asks for AUTH PLAIN as user/password.
func startSMTP(t *testing.T, cert *tls.Certificate, implicit bool, user, password string) *smtpServer {
	t.Helper()
	s := &smtpServer{t: t, implicit: implicit, user: user, password: password, refuse: map[string]string{}}
	if cert != nil {
		s.tls = &tls.Config{Certificates: []tls.Certificate{*cert}}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicit {
		ln = tls.NewListener(ln, s.tls)
	}
	s.ln, s.Port = ln, ln.Addr().(*net.TCPAddr).Port
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

// Refuse makes the server answer RCPT for addr with reply ("" accepts).
func (s *smtpServer) Refuse(addr, reply string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if reply == "" {
		delete(s.refuse, strings.ToLower(addr))
	} else {
		s.refuse[strings.ToLower(addr)] = reply
	}
}

// Mails returns the messages received so far.
func (s *smtpServer) Mails() []receivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]receivedMail(nil), s.mails...)
}

func (s *smtpServer) serve(c net.Conn) {
	defer func() { c.Close() }()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	tp := textproto.NewConn(c)
	_, isTLS := c.(*tls.Conn)
	authed := false
	var cur *receivedMail
	reply := func(lines ...string) bool {
		for _, l := range lines {
			if err := tp.PrintfLine("%s", l); err != nil {
				return false
			}
		}
		return true
	}
	reply("220 127.0.0.1 ESMTP test")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			ext := []string{"250-127.0.0.1 hello " + arg}
			if s.tls != nil && !isTLS {
				ext = append(ext, "250-STARTTLS")
			}
			if s.user != "" && (isTLS || s.tls == nil) {
				ext = append(ext, "250-AUTH PLAIN")
			}
			ext = append(ext, "250 8BITMIME")
			reply(ext...)
		case "STARTTLS":
			if s.tls == nil || isTLS {
				reply("502 5.5.1 not here")
				continue
			}
			reply("220 2.0.0 go ahead")
			tc := tls.Server(c, s.tls)
			if err := tc.Handshake(); err != nil {
				return
			}
			c, isTLS, authed, cur = tc, true, false, nil
			tp = textproto.NewConn(tc)
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			raw, err := base64.StdEncoding.DecodeString(resp)
			if !strings.EqualFold(mech, "PLAIN") || err != nil {
				reply("504 5.5.4 unknown mechanism")
				continue
			}
			parts := strings.Split(string(raw), "\x00")
			if len(parts) != 3 || parts[1] != s.user || parts[2] != s.password {
				reply("535 5.7.8 bad credentials")
				continue
			}
			authed = true
			reply("235 2.7.0 ok")
		case "MAIL":
			if s.user != "" && !authed {
				reply("530 5.7.0 authentication required")
				continue
			}
			cur = &receivedMail{From: angle(arg), TLS: isTLS, Authed: authed}
			reply("250 2.1.0 ok")
		case "RCPT":
			if cur == nil {
				reply("503 5.5.1 MAIL first")
				continue
			}
			addr := angle(arg)
			s.mu.Lock()
			refusal := s.refuse[strings.ToLower(addr)]
			s.mu.Unlock()
			if refusal != "" {
				reply(refusal)
				continue
			}
			cur.Rcpts = append(cur.Rcpts, addr)
			reply("250 2.1.5 ok")
		case "DATA":
			if cur == nil || len(cur.Rcpts) == 0 {
				reply("503 5.5.1 no recipients")
				continue
			}
			reply("354 end with .")
			data, err := readDot(tp.R)
			if err != nil {
				return
			}
			cur.Data = data
			s.mu.Lock()
			s.mails = append(s.mails, *cur)
			s.mu.Unlock()
			cur = nil
			reply("250 2.0.0 queued")
		case "RSET":
			cur = nil
			reply("250 2.0.0 ok")
		case "NOOP":
			reply("250 2.0.0 ok")
		case "QUIT":
			reply("221 2.0.0 bye")
			return
		default:
			reply("500 5.5.2 what?")
		}
	}
}

// readDot reads a message up to the line ".", undoing dot-stuffing.
func readDot(r *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		if line == ".\r\n" {
			return b.String(), nil
		}
		b.WriteString(strings.TrimPrefix(line, "."))
	}
}

// angle takes the address out of "FROM:<a@b> SIZE=…" or "TO:<a@b>".
func angle(arg string) string {
	_, rest, _ := strings.Cut(arg, "<")
	addr, _, _ := strings.Cut(rest, ">")
	return addr
}

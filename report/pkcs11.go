package report

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/ThalesGroup/crypto11"
	"github.com/miekg/pkcs11"
)

// PKCS11Config names a key kept by a PKCS#11 token (a USB signing token,
// an HSM or SoftHSM) and how to reach it.
type PKCS11Config struct {
	// Module is the path of the token's PKCS#11 library, such as
	// /usr/lib/softhsm/libsofthsm2.so.
	Module string
	// TokenLabel selects the token by its label.
	TokenLabel string
	// PIN is the user PIN of the token.
	PIN string
	// KeyLabel is the label (CKA_LABEL) of the private key; empty takes
	// the only key pair on the token.
	KeyLabel string
	// CertPEM is the key's certificate in PEM, optionally followed by its
	// issuers. Empty looks on the token for a certificate with the key's
	// ID or label.
	CertPEM []byte
}

// LoadPKCS11Signer opens the token of cfg, logs in and finds the key and
// its certificate. The returned Signer signs through the token (the key
// never leaves it) and works with Sign as any other Signer; the Closer
// logs out and releases the library, and must be called once signing is
// done. Closing more than once is harmless.
func LoadPKCS11Signer(cfg PKCS11Config) (*Signer, io.Closer, error) {
	if strings.TrimSpace(cfg.Module) == "" {
		return nil, nil, errors.New("report: thiếu đường dẫn thư viện PKCS#11 (mô-đun của token)")
	}
	if fi, err := os.Stat(cfg.Module); err != nil {
		return nil, nil, fmt.Errorf("report: không có thư viện PKCS#11 %q (mô-đun của token chưa được cài?)", cfg.Module)
	} else if fi.IsDir() {
		return nil, nil, fmt.Errorf("report: %q là thư mục, không phải thư viện PKCS#11", cfg.Module)
	}
	if cfg.TokenLabel == "" {
		return nil, nil, errors.New("report: thiếu nhãn của token PKCS#11")
	}
	if cfg.PIN == "" {
		return nil, nil, fmt.Errorf("report: thiếu mã PIN của token %q", cfg.TokenLabel)
	}
	var certs []*x509.Certificate
	if len(bytes.TrimSpace(cfg.CertPEM)) > 0 {
		cs, err := parseCertificates(cfg.CertPEM)
		if err != nil {
			return nil, nil, err
		}
		certs = cs
	}

	ctx, err := crypto11.Configure(&crypto11.Config{
		Path:       cfg.Module,
		TokenLabel: cfg.TokenLabel,
		Pin:        cfg.PIN,
		// One session for the login and one for signing are enough.
		MaxSessions: 2,
	})
	if err != nil {
		return nil, nil, pkcs11OpenError(cfg, err)
	}
	closer := &pkcs11Closer{ctx: ctx}
	s, err := findPKCS11Signer(ctx, cfg, certs)
	if err != nil {
		closer.Close()
		return nil, nil, err
	}
	return s, closer, nil
}

// pkcs11OpenError says in Vietnamese why the token could not be opened.
func pkcs11OpenError(cfg PKCS11Config, err error) error {
	var p11 pkcs11.Error
	if errors.As(err, &p11) {
		switch p11 {
		case pkcs11.CKR_PIN_INCORRECT, pkcs11.CKR_PIN_INVALID, pkcs11.CKR_PIN_LEN_RANGE:
			return fmt.Errorf("report: sai mã PIN của token %q", cfg.TokenLabel)
		case pkcs11.CKR_PIN_LOCKED:
			return fmt.Errorf("report: mã PIN của token %q đã bị khóa (nhập sai quá số lần cho phép)", cfg.TokenLabel)
		case pkcs11.CKR_PIN_EXPIRED:
			return fmt.Errorf("report: mã PIN của token %q đã hết hạn, cần đổi mã PIN", cfg.TokenLabel)
		case pkcs11.CKR_USER_PIN_NOT_INITIALIZED:
			return fmt.Errorf("report: token %q chưa được đặt mã PIN người dùng", cfg.TokenLabel)
		case pkcs11.CKR_TOKEN_NOT_PRESENT, pkcs11.CKR_DEVICE_REMOVED:
			return fmt.Errorf("report: token %q không còn được cắm vào máy", cfg.TokenLabel)
		}
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "could not find PKCS#11 token"):
		return fmt.Errorf("report: không tìm thấy token có nhãn %q trong thư viện %q (token chưa cắm hoặc sai nhãn?)", cfg.TokenLabel, cfg.Module)
	case strings.Contains(msg, "failed to open module"):
		return fmt.Errorf("report: không nạp được thư viện PKCS#11 %q (không phải thư viện PKCS#11 cho máy này?)", cfg.Module)
	case strings.Contains(msg, "failed to initialize module"):
		return fmt.Errorf("report: thư viện PKCS#11 %q không khởi động được: %v", cfg.Module, err)
	}
	return fmt.Errorf("report: không mở được token %q: %v", cfg.TokenLabel, err)
}

// findPKCS11Signer finds the key of cfg on the open token and pairs it
// with its certificate, from certs or else from the token.
func findPKCS11Signer(ctx *crypto11.Context, cfg PKCS11Config, certs []*x509.Certificate) (*Signer, error) {
	var (
		keys []crypto11.Signer
		err  error
	)
	if cfg.KeyLabel == "" {
		keys, err = ctx.FindAllKeyPairs()
	} else {
		keys, err = ctx.FindKeyPairs(nil, []byte(cfg.KeyLabel))
	}
	if err != nil {
		return nil, fmt.Errorf("report: không tìm được khóa trên token %q: %v", cfg.TokenLabel, err)
	}
	var usable []crypto11.Signer
	for _, k := range keys {
		if k != nil && k.Public() != nil {
			usable = append(usable, k)
		}
	}
	keys = usable
	switch {
	case len(keys) == 0 && cfg.KeyLabel == "":
		return nil, fmt.Errorf("report: token %q không có cặp khóa nào", cfg.TokenLabel)
	case len(keys) == 0:
		return nil, fmt.Errorf("report: không tìm thấy khóa có nhãn %q trên token %q", cfg.KeyLabel, cfg.TokenLabel)
	}
	name := cfg.KeyLabel
	if name == "" {
		name = "duy nhất"
	}

	if len(certs) > 0 {
		// The key that one of the given certificates belongs to.
		for _, k := range keys {
			for i, c := range certs {
				if publicKeyMatches(k.Public(), c.PublicKey) {
					rest := append(certs[:i:i], certs[i+1:]...)
					s := &Signer{Key: k, Cert: c, Chain: issuerChain(c, rest)}
					if err := s.check(); err != nil {
						return nil, err
					}
					return s, nil
				}
			}
		}
		if len(certs) == 1 {
			return nil, fmt.Errorf("report: khóa %q trên token %q và chứng thư không khớp (chứng thư của %q)", name, cfg.TokenLabel, certs[0].Subject.CommonName)
		}
		return nil, fmt.Errorf("report: khóa %q trên token %q và chứng thư không khớp (không chứng thư nào trong %d chứng thư là của khóa này)", name, cfg.TokenLabel, len(certs))
	}

	if len(keys) > 1 {
		if cfg.KeyLabel == "" {
			return nil, fmt.Errorf("report: token %q có %d cặp khóa; hãy chọn khóa theo nhãn", cfg.TokenLabel, len(keys))
		}
		return nil, fmt.Errorf("report: token %q có %d khóa cùng nhãn %q; hãy cung cấp chứng thư PEM để chọn khóa", cfg.TokenLabel, len(keys), cfg.KeyLabel)
	}
	key := keys[0]
	cert, err := tokenCertificate(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("report: không đọc được chứng thư của khóa %q trên token %q: %v", name, cfg.TokenLabel, err)
	}
	if cert == nil {
		return nil, fmt.Errorf("report: token %q không có chứng thư của khóa %q; hãy cung cấp tệp chứng thư PEM", cfg.TokenLabel, name)
	}
	if !publicKeyMatches(key.Public(), cert.PublicKey) {
		return nil, fmt.Errorf("report: khóa %q và chứng thư trên token %q không khớp (chứng thư của %q)", name, cfg.TokenLabel, cert.Subject.CommonName)
	}
	s := &Signer{Key: key, Cert: cert}
	if err := s.check(); err != nil {
		return nil, err
	}
	return s, nil
}

// tokenCertificate finds the certificate object that carries the key's
// CKA_ID, or else its CKA_LABEL, preferring one of the key; nil when there
// is none. A certificate of another key is returned for the caller to
// report.
func tokenCertificate(ctx *crypto11.Context, key crypto11.Signer) (*x509.Certificate, error) {
	attrs, err := ctx.GetAttributes(key, []crypto11.AttributeType{crypto11.CkaId, crypto11.CkaLabel})
	if err != nil {
		return nil, err
	}
	var other *x509.Certificate
	for _, a := range []crypto11.AttributeType{crypto11.CkaId, crypto11.CkaLabel} {
		v := attrs[a]
		if v == nil || len(v.Value) == 0 {
			continue
		}
		var cert *x509.Certificate
		if a == crypto11.CkaId {
			cert, err = ctx.FindCertificate(v.Value, nil, nil)
		} else {
			cert, err = ctx.FindCertificate(nil, v.Value, nil)
		}
		if err != nil {
			return nil, err
		}
		if cert != nil && publicKeyMatches(key.Public(), cert.PublicKey) {
			return cert, nil
		}
		if other == nil {
			other = cert
		}
	}
	return other, nil
}

// pkcs11Closer closes a crypto11 context once; crypto11 panics on a
// second Close.
type pkcs11Closer struct {
	once sync.Once
	ctx  *crypto11.Context
}

func (c *pkcs11Closer) Close() error {
	var err error
	c.once.Do(func() { err = c.ctx.Close() })
	return err
}

package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"ictindex/activities"
	"ictindex/report"
)

// Environment of issuance: how the worker signs decisions and where their
// verification page is.
const (
	envPublicURL   = "ICTINDEX_PUBLIC_URL" // "https://ictindex.laocai.gov.vn"
	envSignP12     = "ICTINDEX_SIGN_P12"   // PKCS#12 file of the body's key
	envSignP12Pass = "ICTINDEX_SIGN_P12_PASSWORD"
	envP11Module   = "ICTINDEX_SIGN_PKCS11_MODULE" // e.g. /usr/lib/softhsm/libsofthsm2.so
	envP11Token    = "ICTINDEX_SIGN_PKCS11_TOKEN"  // token label
	envP11PIN      = "ICTINDEX_SIGN_PKCS11_PIN"
	envP11Key      = "ICTINDEX_SIGN_PKCS11_KEY" // key label
	envSignCert    = "ICTINDEX_SIGN_CERT"       // PEM certificate (and chain) of the key
	envSignImage   = "ICTINDEX_SIGN_IMAGE"      // PNG of the signer's signature
	envSealImage   = "ICTINDEX_SEAL_IMAGE"      // PNG of the body's seal
	envIssuerOrg   = "ICTINDEX_ISSUER_ORG"      // "Ủy ban nhân dân tỉnh Lào Cai"
	envNumberSufx  = "ICTINDEX_DECISION_SUFFIX" // "QĐ-UBND"
)

// nopCloser closes nothing.
type nopCloser struct{}

func (nopCloser) Close() error { return nil }

// issuerFromEnv reads the issuance settings. With neither a PKCS#12 file
// nor a PKCS#11 token, the server holds no key: decisions are signed by
// the leader's own tool and uploaded. publicURL is the default public
// address when ICTINDEX_PUBLIC_URL is unset.
func issuerFromEnv(publicURL string) (*activities.Issuer, io.Closer, error) {
	iss := &activities.Issuer{PublicURL: publicURL, Org: os.Getenv(envIssuerOrg), Suffix: os.Getenv(envNumberSufx)}
	if u := os.Getenv(envPublicURL); u != "" {
		iss.PublicURL = u
	}
	var closer io.Closer = nopCloser{}
	var err error
	for env, dst := range map[string]*[]byte{envSignImage: &iss.SignatureImage, envSealImage: &iss.SealImage} {
		if p := os.Getenv(env); p != "" {
			if *dst, err = os.ReadFile(p); err != nil {
				return nil, nil, fmt.Errorf("%s: không đọc được ảnh: %w", env, err)
			}
		}
	}
	var certPEM []byte
	if p := os.Getenv(envSignCert); p != "" {
		if certPEM, err = os.ReadFile(p); err != nil {
			return nil, nil, fmt.Errorf("%s: không đọc được chứng thư: %w", envSignCert, err)
		}
	}
	switch {
	case os.Getenv(envSignP12) != "" && os.Getenv(envP11Module) != "":
		return nil, nil, fmt.Errorf("chỉ đặt một trong %s và %s", envSignP12, envP11Module)
	case os.Getenv(envSignP12) != "":
		raw, err := os.ReadFile(os.Getenv(envSignP12))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: không đọc được tệp PKCS#12: %w", envSignP12, err)
		}
		if iss.Signer, err = report.LoadSigner(raw, certPEM, os.Getenv(envSignP12Pass)); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", envSignP12, err)
		}
	case os.Getenv(envP11Module) != "":
		s, c, err := report.LoadPKCS11Signer(report.PKCS11Config{Module: os.Getenv(envP11Module), TokenLabel: os.Getenv(envP11Token),
			PIN: os.Getenv(envP11PIN), KeyLabel: os.Getenv(envP11Key), CertPEM: certPEM})
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", envP11Module, err)
		}
		iss.Signer, closer = s, c
	}
	return iss, closer, nil
}

// demoIssuer is the issuer of `ictindex dev` and `ictindex demo` when no
// key is configured: a demonstration key of the body, made once and kept
// in dir (so the dev server's signatures stay the same body's).
func demoIssuer(dir, publicURL string) (*activities.Issuer, io.Closer, error) {
	iss, closer, err := issuerFromEnv(publicURL)
	if err != nil || iss.Signer != nil {
		return iss, closer, err
	}
	keyPath := filepath.Join(dir, dataDemoKey)
	raw, err := os.ReadFile(keyPath)
	if os.IsNotExist(err) {
		if raw, err = newDemoKey(); err == nil {
			err = os.WriteFile(keyPath, raw, 0o600)
		}
	}
	if err != nil {
		return nil, nil, fmt.Errorf("khóa ký thử: %w", err)
	}
	if iss.Signer, err = report.LoadSigner(raw, nil, ""); err != nil {
		return nil, nil, fmt.Errorf("khóa ký thử %s: %w", keyPath, err)
	}
	return iss, closer, nil
}

// newDemoKey makes a P-256 key with a self-signed certificate of the
// province's People's Committee, marked as a demonstration.
func newDemoKey() ([]byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{CommonName: "Ủy ban nhân dân tỉnh Lào Cai (khóa thử nghiệm)", Organization: []string{"Ủy ban nhân dân tỉnh Lào Cai"},
			Country: []string{"VN"}, Province: []string{"Lào Cai"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(5, 0, 0),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	out := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder})
	return append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...), nil
}

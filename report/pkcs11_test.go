package report

import (
	"crypto"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ThalesGroup/crypto11"
)

const (
	testTokenLabel = "UBND-LAOCAI"
	testTokenPIN   = "123456"
	testKeyLabel   = "ky-quyet-dinh"
)

// softHSM is a SoftHSM2 token of a test's own, with its configuration in
// a temporary folder.
type softHSM struct {
	module string
	dir    string
}

// newSoftHSM initialises a fresh token labelled testTokenLabel with user
// PIN testTokenPIN. It skips the test when SoftHSM2 is not installed,
// unless CI is set.
func newSoftHSM(t *testing.T) *softHSM {
	t.Helper()
	if _, err := exec.LookPath("softhsm2-util"); err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("softhsm2-util (softhsm2) is not installed")
		}
		t.Fatal("softhsm2-util (softhsm2) is required in CI")
	}
	var module string
	for _, m := range []string{"/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so", "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"} {
		if _, err := os.Stat(m); err == nil {
			module = m
			break
		}
	}
	if module == "" {
		t.Fatal("softhsm2-util is installed but libsofthsm2.so is not found")
	}
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens")
	if err := os.Mkdir(tokens, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+tokens+"\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", conf)
	h := &softHSM{module: module, dir: dir}
	h.run(t, "--init-token", "--free", "--label", testTokenLabel, "--pin", testTokenPIN, "--so-pin", "654321")
	return h
}

func (h *softHSM) run(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command("softhsm2-util", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("softhsm2-util %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// importKey puts key on the token as a key pair with label and hex id.
func (h *softHSM) importKey(t *testing.T, key crypto.Signer, label, id string) {
	t.Helper()
	name := filepath.Join(h.dir, label+".pem")
	if err := os.WriteFile(name, pkcs8PEM(t, key), 0o600); err != nil {
		t.Fatal(err)
	}
	h.run(t, "--import", name, "--token", testTokenLabel, "--label", label, "--id", id, "--pin", testTokenPIN)
	if err := os.Remove(name); err != nil {
		t.Fatal(err)
	}
}

// importCert puts a certificate object on the token (softhsm2-util cannot).
func (h *softHSM) importCert(t *testing.T, cert *x509.Certificate, label string, id []byte) {
	t.Helper()
	ctx, err := crypto11.Configure(&crypto11.Config{Path: h.module, TokenLabel: testTokenLabel, Pin: testTokenPIN, MaxSessions: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer ctx.Close()
	if err := ctx.ImportCertificateWithLabel(id, []byte(label), cert); err != nil {
		t.Fatal(err)
	}
}

func (h *softHSM) config(certPEM []byte) PKCS11Config {
	return PKCS11Config{Module: h.module, TokenLabel: testTokenLabel, PIN: testTokenPIN, KeyLabel: testKeyLabel, CertPEM: certPEM}
}

// loadAndSign loads the signer of cfg, signs a small PDF and checks it
// with pdfsig.
func loadAndSign(t *testing.T, cfg PKCS11Config) *Signer {
	t.Helper()
	s, closer, err := LoadPKCS11Signer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := closer.Close(); err != nil {
			t.Error(err)
		}
		if err := closer.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	}()
	signed, err := Sign(plainPDF(t), s, SignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	assertValid(t, signed)
	return s
}

func TestPKCS11SignSoftHSMRSA(t *testing.T) {
	testKeys(t)
	h := newSoftHSM(t)
	h.importKey(t, rsaKey, testKeyLabel, "01")
	ca := testCert(t, rsaKey2, "CA thử nghiệm", true, nil, nil)
	leaf := testCert(t, rsaKey, testSignerCN, false, ca, rsaKey2)

	t.Run("cert and chain given", func(t *testing.T) {
		s := loadAndSign(t, h.config(certPEM(ca, leaf)))
		if !s.Cert.Equal(leaf) || len(s.Chain) != 1 || !s.Chain[0].Equal(ca) {
			t.Errorf("cert %q with a chain of %d, want the leaf and its CA", s.Cert.Subject.CommonName, len(s.Chain))
		}
		if _, ok := s.Key.(crypto11.Signer); !ok {
			t.Errorf("key is %T, want the token's", s.Key)
		}
	})
	t.Run("cert on the token", func(t *testing.T) {
		h.importCert(t, leaf, testKeyLabel, []byte{0x01})
		s := loadAndSign(t, h.config(nil))
		if !s.Cert.Equal(leaf) {
			t.Errorf("cert %q, want the token's", s.Cert.Subject.CommonName)
		}
	})
	t.Run("only key, no label", func(t *testing.T) {
		cfg := h.config(certPEM(leaf))
		cfg.KeyLabel = ""
		loadAndSign(t, cfg)
	})
}

func TestPKCS11SignSoftHSMECDSA(t *testing.T) {
	testKeys(t)
	h := newSoftHSM(t)
	h.importKey(t, ecKey, testKeyLabel, "02")
	loadAndSign(t, h.config(certPEM(testCert(t, ecKey, testSignerCN, false, nil, nil))))
}

func TestPKCS11Errors(t *testing.T) {
	testKeys(t)
	h := newSoftHSM(t)
	h.importKey(t, rsaKey, testKeyLabel, "01")
	h.importKey(t, ecKey, "khoa-khac", "02")
	cert := certPEM(testCert(t, rsaKey, testSignerCN, false, nil, nil))
	other := certPEM(testCert(t, rsaKey2, "Chứng thư khác", false, nil, nil))

	cases := []struct {
		name, want string
		edit       func(*PKCS11Config)
	}{
		{"wrong PIN", "sai mã PIN", func(c *PKCS11Config) { c.PIN = "000000" }},
		{"no PIN", "thiếu mã PIN", func(c *PKCS11Config) { c.PIN = "" }},
		{"unknown key label", `không tìm thấy khóa có nhãn "khong-co"`, func(c *PKCS11Config) { c.KeyLabel = "khong-co" }},
		{"unknown token", `không tìm thấy token có nhãn "KHAC"`, func(c *PKCS11Config) { c.TokenLabel = "KHAC" }},
		{"no module", "không có thư viện PKCS#11", func(c *PKCS11Config) { c.Module = filepath.Join(h.dir, "khong-co.so") }},
		{"module not a library", "không nạp được thư viện PKCS#11", func(c *PKCS11Config) {
			c.Module = filepath.Join(h.dir, "softhsm2.conf")
		}},
		{"empty module", "thiếu đường dẫn thư viện PKCS#11", func(c *PKCS11Config) { c.Module = "" }},
		{"cert of another key", "không khớp", func(c *PKCS11Config) { c.CertPEM = other }},
		{"no cert anywhere", "không có chứng thư của khóa", func(c *PKCS11Config) { c.CertPEM = nil }},
		{"two keys, no label", "có 2 cặp khóa", func(c *PKCS11Config) { c.KeyLabel, c.CertPEM = "", nil }},
		{"cert not PEM", "không ở dạng PEM", func(c *PKCS11Config) { c.CertPEM = []byte("không phải PEM") }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := h.config(cert)
			c.edit(&cfg)
			s, closer, err := LoadPKCS11Signer(cfg)
			if err == nil {
				closer.Close()
				t.Fatalf("loaded %q, want an error with %q", s.Cert.Subject.CommonName, c.want)
			}
			if closer != nil {
				t.Error("a Closer came with the error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want one with %q", err, c.want)
			}
			t.Log(err)
		})
	}
	// After the failures the right PIN still opens the token.
	loadAndSign(t, h.config(cert))
}

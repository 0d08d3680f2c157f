package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"ictindex/activities"
)

// TestIssuersFromEnvironment: the worker configured by environment alone
// signs the published decision with the body's key, from a PKCS#12 file
// and from a PKCS#11 token (SoftHSM2), through a whole campaign on the
// embedded stack; pdfsig finds each signature valid and the decision's
// record names the configured certificate.
func TestIssuersFromEnvironment(t *testing.T) {
	for _, mode := range []string{"pkcs12", "pkcs11"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			cn := "UBND tỉnh Lào Cai (kiểm thử " + mode + ")"
			key, certPEM := testCert(t, cn, mode == "pkcs11")
			certFile := filepath.Join(dir, "cert.pem")
			if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
				t.Fatal(err)
			}
			for _, e := range []string{envSignP12, envSignP12Pass, envP11Module, envP11Token, envP11PIN, envP11Key, envSignCert} {
				t.Setenv(e, "")
			}
			if mode == "pkcs12" {
				cert, _ := pem.Decode(certPEM)
				c, err := x509.ParseCertificate(cert.Bytes)
				if err != nil {
					t.Fatal(err)
				}
				pfx, err := pkcs12.Modern.Encode(key, c, nil, "mat-khau-p12")
				if err != nil {
					t.Fatal(err)
				}
				p12 := filepath.Join(dir, "body.p12")
				if err := os.WriteFile(p12, pfx, 0o600); err != nil {
					t.Fatal(err)
				}
				t.Setenv(envSignP12, p12)
				t.Setenv(envSignP12Pass, "mat-khau-p12")
			} else {
				module := softHSMToken(t, dir, key)
				t.Setenv(envP11Module, module)
				t.Setenv(envP11Token, "ictindex-e2e")
				t.Setenv(envP11PIN, "1234")
				t.Setenv(envP11Key, "body-key")
				t.Setenv(envSignCert, certFile)
			}
			iss, closer, err := issuerFromEnv("http://ictindex.test")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { closer.Close() })
			if iss.Signer == nil {
				t.Fatal("no signer from the environment")
			}
			st, w := testStack(t)
			w.Stop()
			w2 := newWorker(st.client, st.store, activities.LogNotifier{Log: st.log}, iss)
			if err := w2.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(w2.Stop)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			sc := &scenario{d: driver{c: st.client}, store: st.store, onTime: true}
			out, err := sc.run(ctx, subset("SNV", "STP"))
			if err != nil {
				t.Fatal(err)
			}
			is := out.Status.Current()
			if is == nil || is.SignMode != activities.SignServer || !strings.Contains(is.Certificate, cn) {
				t.Fatalf("the issued decision: %+v", is)
			}
			pdf, err := st.store.GetDocument(ctx, is.Signed.Key, is.Signed.VersionID)
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, "signed.pdf")
			if err := os.WriteFile(p, pdf, 0o600); err != nil {
				t.Fatal(err)
			}
			rep, _ := exec.Command("pdfsig", p).CombinedOutput()
			if !strings.Contains(string(rep), "Signature is Valid") || !strings.Contains(string(rep), "Total document signed") {
				t.Errorf("pdfsig:\n%s", rep)
			}
		})
	}
}

// testCert makes a key (RSA 2048 for the token, P-256 otherwise) and a
// self-signed certificate of the body named cn.
func testCert(t *testing.T, cn string, rsaKey bool) (any, []byte) {
	t.Helper()
	var key any
	var pub any
	if rsaKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		key, pub = k, &k.PublicKey
	} else {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		key, pub = k, &k.PublicKey
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: cn, Country: []string{"VN"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// softHSMToken makes a SoftHSM2 token "ictindex-e2e" (PIN 1234) in dir
// holding key as "body-key", and returns the module's path.
func softHSMToken(t *testing.T, dir string, key any) string {
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
		t.Fatal("libsofthsm2.so is not found")
	}
	tokens := filepath.Join(dir, "tokens")
	if err := os.Mkdir(tokens, 0o700); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+tokens+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOFTHSM2_CONF", conf)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--init-token", "--free", "--label", "ictindex-e2e", "--pin", "1234", "--so-pin", "87654321"},
		{"--import", keyFile, "--token", "ictindex-e2e", "--label", "body-key", "--id", "0e2e", "--pin", "1234"},
	} {
		if out, err := exec.Command("softhsm2-util", args...).CombinedOutput(); err != nil {
			t.Fatalf("softhsm2-util %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	return module
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"ictindex/report"
)

func init() {
	commands["sign"] = command{summary: "ký số quyết định PDF (khóa PEM hoặc PKCS#12)", run: runSign}
}

// defaultPasswordEnv names the variable that holds the PKCS#12 password
// when --password-env is not given.
const defaultPasswordEnv = "ICTINDEX_P12_PASSWORD"

const signUsage = "cách dùng: ictindex sign QUYET-DINH.pdf -o DA-KY.pdf (--key KHOA.pem --cert CHUNG-THU.pem | --p12 TEP.p12 [--password-env BIEN]) [--name TÊN] [--reason LÝ-DO] [--location NƠI]"

// runSign signs a decision PDF with a PEM key and certificate or a PKCS#12
// bundle. The bundle's password comes from an environment variable only: a
// password on the command line would stay in the shell's history and show
// in the process list.
func runSign(_ context.Context, e *env, args []string) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		if f := strings.TrimLeft(a, "-"); strings.HasPrefix(a, "-") && (f == "password" || f == "pass" || strings.HasPrefix(f, "password=") || strings.HasPrefix(f, "pass=")) {
			return badInput(fmt.Errorf("không nhận mật khẩu trên dòng lệnh (sẽ lộ trong lịch sử lệnh và danh sách tiến trình): đặt mật khẩu vào biến môi trường rồi dùng --password-env TÊN-BIẾN (mặc định %s)", defaultPasswordEnv))
		}
	}
	fs := flag.NewFlagSet("sign", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	out := fs.String("o", "", "tệp PDF đã ký ghi ra, - là đầu ra chuẩn (bắt buộc)")
	keyFile := fs.String("key", "", "khóa bí mật PEM (PKCS#1, PKCS#8 hoặc EC), không mã hóa")
	certFile := fs.String("cert", "", "chứng thư số PEM của khóa, có thể kèm các chứng thư cấp trên")
	p12File := fs.String("p12", "", "tệp PKCS#12 (.p12, .pfx) chứa khóa và chứng thư")
	pwEnv := fs.String("password-env", defaultPasswordEnv, "tên biến môi trường chứa mật khẩu của tệp PKCS#12")
	name := fs.String("name", "", "tên người ký (mặc định lấy từ chứng thư)")
	reason := fs.String("reason", report.DefaultSignReason, "lý do ký")
	location := fs.String("location", report.DefaultSignLocation, "nơi ký")
	contact := fs.String("contact", "", "thông tin liên hệ của người ký")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return badInput(err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case len(pos) != 1:
		return badInput(errors.New(signUsage))
	case *out == "":
		return badInput(errors.New("thiếu -o TỆP.pdf (tệp đã ký ghi ra; - là đầu ra chuẩn)"))
	case *keyFile != "" && *p12File != "":
		return badInput(errors.New("chỉ dùng một trong --key (khóa PEM) và --p12 (tệp PKCS#12)"))
	case *keyFile == "" && *p12File == "":
		return badInput(errors.New("thiếu khóa ký: --key KHOA.pem --cert CHUNG-THU.pem hoặc --p12 TEP.p12"))
	case *keyFile != "" && set["password-env"]:
		return badInput(errors.New("--password-env chỉ dùng với --p12 (khóa PEM được mã hóa chưa được hỗ trợ)"))
	}

	var keyData, certData []byte
	password := ""
	if *keyFile != "" {
		if keyData, err = os.ReadFile(*keyFile); err != nil {
			return badInput(err)
		}
	} else {
		if keyData, err = os.ReadFile(*p12File); err != nil {
			return badInput(err)
		}
		pw, ok := os.LookupEnv(*pwEnv)
		if !ok && set["password-env"] {
			return badInput(fmt.Errorf("biến môi trường %s (mật khẩu tệp PKCS#12) chưa được đặt", *pwEnv))
		}
		password = pw
	}
	if *certFile != "" {
		if certData, err = os.ReadFile(*certFile); err != nil {
			return badInput(err)
		}
	}
	signer, err := report.LoadSigner(keyData, certData, password)
	if err != nil {
		if *p12File != "" && password == "" && strings.Contains(err.Error(), "mật khẩu") {
			err = fmt.Errorf("%w (biến môi trường %s chưa đặt hoặc rỗng)", err, *pwEnv)
		}
		return badInput(err)
	}

	doc, err := readInput(e, pos[0])
	if err != nil {
		return badInput(err)
	}
	signed, err := report.Sign(doc, signer, report.SignOptions{
		Name:        *name,
		Location:    *location,
		Reason:      *reason,
		ContactInfo: *contact,
	})
	if errors.Is(err, report.ErrNotPDF) || errors.Is(err, report.ErrCertificateTime) {
		return badInput(err)
	}
	if err != nil {
		return err
	}

	if *out == "-" {
		_, err = e.stdout.Write(signed)
		return err
	}
	if err := writeFileAtomic(*out, signed); err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "Đã ký %s bằng chứng thư của %q (hiệu lực đến %s), ghi vào %s\n",
		pos[0], signer.Cert.Subject.CommonName, signer.Cert.NotAfter.Local().Format(time.DateOnly), *out)
	return err
}

// writeFileAtomic writes through a temporary file beside name, so that a
// failed write never leaves half a signed PDF under the final name.
func writeFileAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

package api

import (
	"bytes"
	"io"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"ictindex/workflows"
)

// TestUploadBodies: the multipart bodies clients send, each stored whole
// (the size known from the request's length or not), and one the archive
// cannot size, refused with nothing attached.
func TestUploadBodies(t *testing.T) {
	needStack(t)
	const year = 2099
	openCampaign(t, year, time.Now().Add(time.Hour), unitA)
	ev := unitPath(year, unitA, "/evidence")
	sub := as(uSubA)
	data := pdfBytes(20_000)

	// multipartBody writes the criterion field, the file (in the given
	// transfer encoding) and then the extra fields.
	multipartBody := func(cte string, extra ...string) payload {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.WriteField("criterion", "I.1")
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="bien-ban.pdf"`)
		h.Set("Content-Type", "application/pdf")
		if cte != "" {
			h.Set("Content-Transfer-Encoding", cte)
		}
		p, _ := w.CreatePart(h)
		if cte == "quoted-printable" {
			qp := quotedprintable.NewWriter(p)
			qp.Binary = true // line ends are data too
			_, _ = qp.Write(data)
			_ = qp.Close()
		} else {
			_, _ = p.Write(data)
		}
		for _, f := range extra {
			_ = w.WriteField(f, "giá trị")
		}
		_ = w.Close()
		return payload{R: &buf, CType: w.FormDataContentType()}
	}
	// unsized hides the body's length: it is sent chunked.
	unsized := func(p payload) payload { p.R = struct{ io.Reader }{p.R}; return p }
	// bareLF writes every line ending as "\n".
	bareLF := func(p payload) payload {
		b, _ := io.ReadAll(p.R)
		return payload{R: bytes.NewReader(bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))), CType: p.CType}
	}

	n := 0
	for _, tc := range []struct {
		name string
		body func() payload
	}{
		{"as the page sends it", func() payload { return fileBody("I.1", "bien-ban.pdf", data) }},
		{"without a length", func() payload { return unsized(fileBody("I.1", "bien-ban.pdf", data)) }},
		{"quoted-printable", func() payload { return multipartBody("quoted-printable") }},
		{"lines ending in LF", func() payload { return bareLF(multipartBody("")) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Each upload has its own bytes, else the archive would hand
			// back the stored version and the attach would refuse it.
			n++
			data[100] = byte('a' + n)
			var st workflows.UnitState
			sub.Must(t, http.StatusCreated, "POST", ev, tc.body(), &st)
			if len(st.Evidence) != n {
				t.Fatalf("%d evidence, want %d", len(st.Evidence), n)
			}
			got := st.Evidence[n-1]
			if got.Size != int64(len(data)) || got.FileName != "bien-ban.pdf" {
				t.Fatalf("stored %+v, want %d bytes", got, len(data))
			}
		})
	}

	t.Run("a field after the file", func(t *testing.T) {
		before := unitState(t, year, unitA)
		data[100] = 'z'
		st, body, _ := sub.Send(t, "POST", ev, multipartBody("", "ghi-chu"))
		if st != http.StatusBadRequest {
			t.Fatalf("status %d: %s", st, body)
		}
		e := apiError(t, body)
		found := false
		for _, f := range e.Fields {
			found = found || f.Field == "file"
		}
		if e.Code != CodeValidation || !found || !strings.Contains(e.Message, "cuối cùng") {
			t.Errorf("%+v", e)
		}
		if after := unitState(t, year, unitA); len(after.Evidence) != len(before.Evidence) {
			t.Errorf("evidence %d → %d", len(before.Evidence), len(after.Evidence))
		}
	})
}

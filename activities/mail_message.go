package activities

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"

	"ictindex/scoring"
)

// mailMessage is one e-mail of a notice, before it is written out.
type mailMessage struct {
	From    string   // header form, "Name <addr>"
	To      []string // the To header; Bcc recipients appear nowhere
	Subject string
	Text    string // the plain-text body
	Date    time.Time
	// IDKey goes into the Message-ID, so that the copies of one notice
	// can be told apart from other notices'.
	IDKey  string
	Domain string
}

// noticeMessage turns a notice into the e-mail's text: subject and body in
// NFC, a line saying which campaign it is about and that the address
// receives it as a contact of the unit.
func noticeMessage(n Notice) (subject, text string) {
	subject = norm.NFC.String(strings.Join(strings.Fields(n.Subject), " "))
	if subject == "" {
		subject = fmt.Sprintf("Thông báo đợt đánh giá năm %d", n.Year)
	}
	var b strings.Builder
	b.WriteString(norm.NFC.String(strings.TrimSpace(n.Body)))
	b.WriteString("\n\n-- \n")
	fmt.Fprintf(&b, "Đợt đánh giá, xếp hạng mức độ ứng dụng công nghệ thông tin năm %d.\n", n.Year)
	if n.Unit != "" {
		fmt.Fprintf(&b, "Đơn vị: %s.\n", n.Unit)
	}
	b.WriteString("Thư gửi tự động từ hệ thống đánh giá của Sở Thông tin và Truyền thông; vui lòng không trả lời thư này.\n")
	return subject, b.String()
}

// textToHTML renders the plain text as simple HTML: paragraphs at blank
// lines, line breaks kept, everything escaped.
func textToHTML(subject, text string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>")
	b.WriteString(html.EscapeString(subject))
	b.WriteString("</title></head>\n<body style=\"font-family: Arial, sans-serif; line-height: 1.5; color: #1b1b1b;\">\n<h1 style=\"font-size: 1.2em;\">")
	b.WriteString(html.EscapeString(subject))
	b.WriteString("</h1>\n")
	body, footer, _ := strings.Cut(text, "\n-- \n")
	for _, para := range strings.Split(strings.TrimSpace(body), "\n\n") {
		if para = strings.TrimSpace(para); para == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(para), "\n", "<br>\n"))
		b.WriteString("</p>\n")
	}
	if footer = strings.TrimSpace(footer); footer != "" {
		b.WriteString("<hr>\n<p style=\"font-size: 0.9em; color: #555;\">")
		b.WriteString(strings.ReplaceAll(html.EscapeString(footer), "\n", "<br>\n"))
		b.WriteString("</p>\n")
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

// encodeHeader encodes a header value as RFC 2047 UTF-8 words when it is
// not plain ASCII, folded between words so that no line grows too long.
func encodeHeader(v string) string {
	enc := mime.BEncoding.Encode("utf-8", v)
	return strings.ReplaceAll(enc, "?= =?", "?=\r\n =?")
}

// bytes writes the message: headers, then a multipart/alternative body
// with text/plain and text/html, both UTF-8 quoted-printable.
func (m mailMessage) bytes() ([]byte, error) {
	var buf bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&buf, "%s: %s\r\n", k, v) }
	h("From", m.From)
	if len(m.To) > 0 {
		h("To", strings.Join(m.To, ",\r\n "))
	}
	h("Subject", encodeHeader(m.Subject))
	h("Date", m.Date.In(scoring.Vietnam).Format(time.RFC1123Z))
	h("Message-ID", messageID(m.IDKey, m.Domain))
	h("MIME-Version", "1.0")
	h("Auto-Submitted", "auto-generated")
	h("Content-Language", "vi")
	mw := multipart.NewWriter(&buf)
	h("Content-Type", "multipart/alternative; boundary="+mw.Boundary())
	buf.WriteString("\r\n")
	for _, part := range []struct{ typ, body string }{
		{"text/plain; charset=utf-8", crlf(m.Text)},
		{"text/html; charset=utf-8", crlf(textToHTML(m.Subject, m.Text))},
	} {
		w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {part.typ}, "Content-Transfer-Encoding": {"quoted-printable"}})
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(w)
		if _, err := qp.Write([]byte(part.body)); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// crlf ends every line with CRLF, as a message's text must.
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

// messageID is unique per message: the notice's key and random bytes.
func messageID(key, domain string) string {
	r := make([]byte, 8)
	_, _ = rand.Read(r)
	if key == "" {
		key = "notice"
	}
	if domain == "" {
		domain = "ictindex.invalid"
	}
	return "<" + key + "." + hex.EncodeToString(r) + "@" + domain + ">"
}

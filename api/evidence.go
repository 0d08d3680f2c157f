package api

import (
	"bufio"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"ictindex/activities"
	"ictindex/archive"
	"ictindex/scoring"
	"ictindex/workflows"
)

// EvidenceURLTTL is how long a presigned evidence link lives.
const EvidenceURLTTL = 5 * time.Minute

// multipartOverhead is what a multipart body may carry beyond the file:
// boundaries, headers and the criterion field.
const multipartOverhead = 64 << 10

// uploadEvidence streams the "file" part of a multipart body into the
// archive, then records it with the attach-evidence update. The criterion
// comes from the "criterion" form field, which must precede the file (or
// from the ?criterion= query). The part is never buffered whole: it flows
// through a multipart.Reader into Store.PutEvidence, which checks type and
// size as it goes.
//
// When the request says its length, the file's exact size follows from it,
// provided the file is the last part, as browsers and multipart libraries
// send it: the archive can then store it in one PUT, with no staged copy
// (see fileSize). A body where something else follows the file is refused
// with an error naming the field, after the upload and with nothing stored.
//
// If the update is refused (say the unit has already submitted), the
// uploaded object stays in the archive unreferenced: the workflow holds no
// trace of it and the unit's evidence list is unchanged.
func (s *Server) uploadEvidence(c *gin.Context) {
	year, code, id, err := unitParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	limit := s.store.Config().MaxEvidenceBytes
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit+multipartOverhead)
	boundary, err := multipartBoundary(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	body := &headReader{r: c.Request.Body}
	mr := multipart.NewReader(body, boundary)
	criterion := c.Query("criterion")
	usr := userOf(c)
	for {
		part, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			s.fail(c, badRequest("Thiếu tệp tải lên (trường «file»)", field("file", scoring.ErrRequired, "Thiếu tệp tải lên")))
			return
		}
		if err != nil {
			s.fail(c, multipartError(err))
			return
		}
		switch part.FormName() {
		case "criterion":
			r, _ := decodedPart(part)
			v, err := io.ReadAll(io.LimitReader(r, 256))
			if err != nil {
				s.fail(c, multipartError(err))
				return
			}
			criterion = strings.TrimSpace(string(v))
		case "file":
			if criterion == "" {
				msg := "Thiếu mã tiêu chí (trường «criterion» phải đứng trước tệp)"
				s.fail(c, badRequest(msg, field("criterion", scoring.ErrRequired, msg)))
				return
			}
			size := body.fileSize(c.Request.ContentLength, boundary, limit)
			r, decoded := decodedPart(part)
			if decoded {
				size = -1 // shorter than its encoding
			}
			ev, err := s.store.PutEvidence(c.Request.Context(), archive.EvidenceKey{Year: year, Unit: code, Criterion: criterion,
				FileName: rawFileName(part)}, r, size, usr.Name)
			if err != nil {
				if size >= 0 && errors.Is(err, archive.ErrSizeMismatch) {
					msg := "Tệp tải lên (trường «file») phải là phần cuối cùng của biểu mẫu multipart"
					err = badRequest(msg, field("file", scoring.ErrInvalid, msg))
				}
				s.fail(c, err)
				return
			}
			var st workflows.UnitState
			if err := s.update(c.Request.Context(), id, workflows.UpdateAttachEvidence,
				workflows.AttachEvidenceArgs{By: usr.Name, Evidence: activities.EvidenceOf(ev, criterion)}, &st); err != nil {
				s.fail(c, err)
				return
			}
			c.JSON(http.StatusCreated, st)
			return
		}
		part.Close()
	}
}

// multipartBoundary checks that the body is multipart/form-data and
// returns its boundary.
func multipartBoundary(c *gin.Context) (string, error) {
	mt, params, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return "", badRequest("Yêu cầu phải là multipart/form-data có trường «file»")
	}
	return params["boundary"], nil
}

// multipartReader opens a multipart/form-data body without parsing it into
// memory.
func multipartReader(c *gin.Context) (*multipart.Reader, error) {
	boundary, err := multipartBoundary(c)
	if err != nil {
		return nil, err
	}
	return multipart.NewReader(c.Request.Body, boundary), nil
}

// decodedPart is a raw part's content, quoted-printable decoded if so
// marked (as multipart.Reader.NextPart would), and whether it was.
func decodedPart(part *multipart.Part) (io.Reader, bool) {
	if strings.EqualFold(part.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		return quotedprintable.NewReader(part), true
	}
	return part, false
}

// headReader is the request body as multipart.Reader reads it. Until the
// file part begins it hands out one byte per read, so that the reader's
// buffer never runs ahead of its parsing: the count of bytes read is then
// exactly where the file starts in the body. From the file on it reads
// ahead in large blocks (multipart.Reader's own buffer is 4 KiB). Only the
// first multipartOverhead bytes are read one by one; a longer head leaves
// the file's size unknown.
type headReader struct {
	r      io.Reader
	n      int64 // bytes read in the head
	prev   byte
	unsure bool          // a long head, or a line in it ending in "\n" alone
	stream *bufio.Reader // past the head
}

func (h *headReader) Read(p []byte) (int, error) {
	switch {
	case h.stream != nil:
		return h.stream.Read(p)
	case len(p) == 0:
		return 0, nil
	case h.n >= multipartOverhead:
		h.unsure = true
		h.stream = bufio.NewReaderSize(h.r, streamBuffer)
		return h.stream.Read(p)
	}
	n, err := h.r.Read(p[:1])
	if n == 1 {
		if p[0] == '\n' && h.prev != '\r' {
			h.unsure = true
		}
		h.prev = p[0]
		h.n++
	}
	return n, err
}

// streamBuffer is how far the body is read ahead while the file streams.
const streamBuffer = 64 << 10

// fileSize is called when the file part's header has just been read: it
// ends the slow reads and returns the file's size, or -1 when it cannot be
// known. The file runs from here to the closing delimiter
// "\r\n--boundary--\r\n" that ends a body of contentLength bytes. A body
// with anything else after the file does not hold that many bytes of file;
// the archive then refuses it without storing anything
// (archive.ErrSizeMismatch). A size above the limit is left unknown: the
// archive then finds out while streaming whether the file itself is too
// large.
func (h *headReader) fileSize(contentLength int64, boundary string, limit int64) int64 {
	if h.stream == nil {
		h.stream = bufio.NewReaderSize(h.r, streamBuffer)
	}
	if contentLength < 0 || h.unsure {
		return -1
	}
	size := contentLength - h.n - int64(len("\r\n--"+boundary+"--\r\n"))
	if size < 0 || size > limit {
		return -1
	}
	return size
}

// rawFileName is the file name exactly as the client sent it. The
// standard library's FileName strips directories silently; the archive
// refuses a name with a path instead, so the user learns of it.
func rawFileName(part *multipart.Part) string {
	_, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	if err != nil {
		return part.FileName()
	}
	return params["filename"]
}

// multipartError maps an error reading the multipart body.
func multipartError(err error) error {
	var maxBytes *http.MaxBytesError
	if errors.As(err, &maxBytes) {
		return err
	}
	return badRequest("Dữ liệu multipart không hợp lệ")
}

// evidence serves the unit's n-th evidence document (from 0): a redirect
// to a presigned link valid for EvidenceURLTTL, or with ?download=stream
// the bytes streamed through the server (for clients that cannot reach
// the archive).
func (s *Server) evidence(c *gin.Context) {
	_, _, id, err := unitParams(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 0 {
		s.fail(c, badRequest("Số thứ tự tài liệu không hợp lệ", field("n", scoring.ErrInvalid, "Số thứ tự tài liệu không hợp lệ")))
		return
	}
	var st workflows.UnitState
	if err := s.query(c.Request.Context(), id, &st); err != nil {
		s.fail(c, err)
		return
	}
	if n >= len(st.Evidence) {
		s.fail(c, notFound("Không có tài liệu kiểm chứng số "+strconv.Itoa(n)))
		return
	}
	s.sendEvidence(c, st.Evidence[n].Archived())
}

// sendEvidence answers an archived file: streamed through the server with
// ?download=stream, else a redirect to a short-lived link.
func (s *Server) sendEvidence(c *gin.Context, ev archive.Evidence) {
	if c.Query("download") == "stream" {
		r, err := s.store.OpenEvidence(c.Request.Context(), ev)
		if err != nil {
			s.fail(c, err)
			return
		}
		defer r.Close()
		c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": ev.FileName}))
		c.DataFromReader(http.StatusOK, ev.Size, ev.ContentType, r, nil)
		return
	}
	url, err := s.store.EvidenceURL(c.Request.Context(), ev, EvidenceURLTTL)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Redirect(http.StatusFound, url)
}

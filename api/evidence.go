package api

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
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
	mr, err := multipartReader(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	criterion := c.Query("criterion")
	usr := userOf(c)
	for {
		part, err := mr.NextPart()
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
			v, err := io.ReadAll(io.LimitReader(part, 256))
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
			ev, err := s.store.PutEvidence(c.Request.Context(), archive.EvidenceKey{Year: year, Unit: code, Criterion: criterion,
				FileName: rawFileName(part)}, part, -1, usr.Name)
			if err != nil {
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

// multipartReader opens a multipart/form-data body without parsing it into
// memory.
func multipartReader(c *gin.Context) (*multipart.Reader, error) {
	mt, params, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, badRequest("Yêu cầu phải là multipart/form-data có trường «file»")
	}
	return multipart.NewReader(c.Request.Body, params["boundary"]), nil
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
	ev := st.Evidence[n].Archived()
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

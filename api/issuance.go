package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"ictindex/activities"
	"ictindex/scoring"
	"ictindex/workflows"
)

// MaxSignedBytes bounds an uploaded signed decision.
const MaxSignedBytes = 64 << 20

// draftPDF serves the unnumbered draft decision ("DỰ THẢO").
func (s *Server) draftPDF(c *gin.Context) {
	s.document(c, "application/pdf", func(st workflows.CampaignStatus) *activities.DocumentRef {
		if st.Draft != nil {
			return st.Draft
		}
		return st.Decision
	}, "Chưa có dự thảo quyết định cho năm này")
}

// issuedPDF serves the current issuance's numbered PDF as issued, before
// any signature: the file the leader signs with their own tool.
func (s *Server) issuedPDF(c *gin.Context) {
	s.document(c, "application/pdf", func(st workflows.CampaignStatus) *activities.DocumentRef {
		if n := len(st.Issuances); n > 0 {
			return &st.Issuances[n-1].Issued
		}
		return nil
	}, "Quyết định chưa được cấp số")
}

// uploadSigned takes the decision the leader signed outside the system
// (multipart field "file", or the PDF as the body) and hands it to the
// campaign, which accepts it only if its signature is valid, covers the
// whole file and signs exactly what was issued.
func (s *Server) uploadSigned(c *gin.Context) {
	year, err := yearParam(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	data, err := SignedBody(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	st, err := s.AttachSigned(c.Request.Context(), year, data, userOf(c).Name)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

// AttachSigned stores a signed file for the year's issuance awaiting its
// signature and hands it to the campaign, which verifies it.
func (s *Server) AttachSigned(ctx context.Context, year int, data []byte, by string) (workflows.CampaignStatus, error) {
	var st workflows.CampaignStatus
	if err := s.query(ctx, workflows.CampaignWorkflowID(year), &st); err != nil {
		return st, err
	}
	pending := st.Pending()
	if pending == nil {
		return st, &Error{Code: CodeConflict, Message: "Quyết định không ở bước chờ ký số", status: http.StatusConflict}
	}
	cur := *pending
	sum := sha256.Sum256(data)
	ref, err := s.store.PutDocument(ctx, activities.UploadKey(year, cur.Index, hex.EncodeToString(sum[:])), data, "application/pdf", false)
	if err != nil {
		return st, err
	}
	up := activities.DocumentRef{Key: ref.Key, VersionID: ref.VersionID, SHA256: ref.SHA256, Size: ref.Size}
	err = s.update(ctx, workflows.CampaignWorkflowID(year), workflows.UpdateAttachSigned, workflows.AttachSignedArgs{By: by, Upload: up}, &st)
	return st, err
}

// SignedBody reads an uploaded signed decision (multipart field "file",
// or the PDF as the body), within MaxSignedBytes.
func SignedBody(c *gin.Context) ([]byte, error) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxSignedBytes+multipartOverhead)
	var r io.Reader = c.Request.Body
	if ct := c.ContentType(); ct == "multipart/form-data" {
		f, _, err := c.Request.FormFile("file")
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, tooLarge("Tệp quyết định đã ký quá lớn (tối đa 64 MB)")
			}
			return nil, badRequest("Thiếu tệp quyết định đã ký (trường «file»)", field("file", scoring.ErrRequired, "Thiếu tệp quyết định đã ký"))
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxSignedBytes+1))
	if err != nil {
		return nil, badRequest("Không đọc được tệp tải lên", field("file", scoring.ErrInvalid, "Không đọc được tệp tải lên"))
	}
	if len(data) > MaxSignedBytes {
		return nil, tooLarge("Tệp quyết định đã ký quá lớn (tối đa 64 MB)")
	}
	if len(data) == 0 {
		return nil, badRequest("Tệp tải lên rỗng", field("file", scoring.ErrRequired, "Tệp tải lên rỗng"))
	}
	return data, nil
}

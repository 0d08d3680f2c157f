package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"ictindex/scoring"
)

// maxJSONBytes caps a JSON request body.
const maxJSONBytes = 1 << 20

// fieldLabels names request fields in Vietnamese for error messages.
var fieldLabels = map[string]string{
	"username": "tên đăng nhập", "password": "mật khẩu",
	"year": "năm báo cáo", "deadline": "hạn", "cut_off": "ngày chốt số liệu", "holidays": "ngày nghỉ lễ",
	"working_days": "số ngày làm việc", "units": "danh sách đơn vị", "sample_units": "đơn vị mẫu",
	"decision": "quyết định", "number": "số quyết định", "signer": "người ký", "date": "ngày",
	"figures": "số liệu", "flags": "đặc điểm đơn vị", "reason": "lý do", "figure": "số liệu",
	"value": "giá trị", "criterion": "tiêu chí", "note": "ghi chú", "code": "mã đơn vị", "name": "tên đơn vị",
	"annex": "phụ lục",
}

// label is a field's Vietnamese name, or the field itself.
func label(f string) string {
	last := f[strings.LastIndex(f, ".")+1:]
	if l, ok := fieldLabels[last]; ok {
		return l
	}
	return f
}

// typeNames names JSON types in Vietnamese.
func typeName(t string) string {
	switch {
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"), strings.HasPrefix(t, "float"):
		return "một số"
	case t == "string", t == "time.Time", t == "scoring.Date":
		return "một chuỗi"
	case t == "bool":
		return "true hoặc false"
	case strings.HasPrefix(t, "[]"):
		return "một danh sách"
	case strings.HasPrefix(t, "map"), strings.HasPrefix(t, "struct"):
		return "một đối tượng"
	}
	return "đúng kiểu"
}

// decodeJSON reads a JSON request body into v. Malformed JSON, wrong types
// and unknown fields become a 400 naming the field in Vietnamese. An empty
// body is accepted when optional is true.
func decodeJSON(c *gin.Context, v any, optional bool) error {
	body := http.MaxBytesReader(c.Writer, c.Request.Body, maxJSONBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return badRequest("Dữ liệu JSON có nội dung thừa sau đối tượng")
		}
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var maxBytes *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		if optional {
			return nil
		}
		return badRequest("Thiếu dữ liệu JSON trong yêu cầu")
	case errors.As(err, &maxBytes):
		return tooLarge("Dữ liệu JSON quá lớn (tối đa 1 MB)")
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
		off := ""
		if syn != nil {
			off = " (ở ký tự thứ " + strconv.FormatInt(syn.Offset, 10) + ")"
		}
		return badRequest("Dữ liệu JSON không hợp lệ" + off)
	case errors.As(err, &typ):
		f := typ.Field
		if f == "" {
			f = "body"
			return badRequest("Dữ liệu gửi lên phải là một đối tượng JSON", field(f, scoring.ErrInvalid, "Dữ liệu gửi lên phải là một đối tượng JSON"))
		}
		msg := fmt.Sprintf("Trường «%s» (%s) phải là %s", label(f), f, typeName(typ.Type.String()))
		return badRequest(msg, field(f, scoring.ErrInvalid, msg))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		msg := fmt.Sprintf("Trường «%s» không được hỗ trợ", f)
		return badRequest(msg, field(f, scoring.ErrUnknown, msg))
	}
	// Errors from a type's own UnmarshalJSON (dates, times) do not name
	// the field: say what is wrong in general.
	msg := "Dữ liệu không hợp lệ: ngày phải có dạng 2026-11-20 và thời điểm dạng 2026-11-20T23:59:59+07:00"
	return badRequest(msg, field("body", scoring.ErrInvalid, msg))
}

// itoa formats an int.
func itoa(n int) string { return strconv.Itoa(n) }

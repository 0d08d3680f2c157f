package archive

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestMessage(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{ErrTooLarge, "Tệp quá lớn (tối đa 25 MB)"},
		{tooLarge("a.pdf", 25<<20, ""), `Tệp quá lớn (tối đa 25 MB): "a.pdf"`},
		{fmt.Errorf("upload: %w", tooLarge("b.pdf", 3<<19, "")), `Tệp quá lớn (tối đa 1,5 MB): "b.pdf"`},
		{ErrType, "Loại tệp không được chấp nhận: chỉ PDF, ảnh (PNG, JPEG) và tài liệu văn phòng"},
		{badType("x.pdf", "MZ", "tệp chương trình, không phải tài liệu"),
			`Loại tệp không được chấp nhận: chỉ PDF, ảnh (PNG, JPEG) và tài liệu văn phòng: "x.pdf" (tệp chương trình, không phải tài liệu)`},
		{ErrBadName, "Tên tệp không hợp lệ"},
		{badName("a\x00b", "", ""), `Tên tệp không hợp lệ: "a\x00b"`},
		{ErrTampered, "Tệp lưu trữ đã bị thay đổi hoặc bị xoá sau khi nộp"},
		{context.DeadlineExceeded, "Hệ thống lưu trữ phản hồi quá chậm, vui lòng thử lại sau"},
		{errors.New("boom"), "Lỗi hệ thống lưu trữ, vui lòng thử lại sau"},
	} {
		if got := Message(tc.err); got != tc.want {
			t.Errorf("Message(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
	if !errors.Is(tooLarge("a", 1, ""), ErrTooLarge) || errors.Is(tooLarge("a", 1, ""), ErrType) {
		t.Fatal("errors.Is on details")
	}
}

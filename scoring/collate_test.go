package scoring

import (
	"sort"
	"testing"
)

func TestR9_VietnameseAlphabeticalOrder(t *testing.T) {
	want := []string{
		"Ban Dân tộc tỉnh",
		"Ban Đào tạo", // đ after d
		"Sở Ăn uống",  // ă after a, before b
		"Sở Bảo vệ",
		"Sở Xây dựng",
		"Sở Y tế",
		"Thanh tra tỉnh",
		"UBND huyện Bảo Thắng",
		"UBND huyện Bảo Yên",
		"Ủy ban Dân tộc", // u with a tone sorts with u, before v
		"Văn phòng UBND tỉnh",
	}
	got := append([]string(nil), want...)
	sort.Slice(got, func(i, j int) bool { return CollationKey(got[i]) < CollationKey(got[j]) })
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order:\n got %q\nwant %q", got, want)
		}
	}
}

func TestCollationTonesAndCase(t *testing.T) {
	// Letters first, tones only break ties: "ba" < "bà" < "bả" < "bã" < "bá" < "bạ" < "bac".
	order := []string{"ba", "bà", "bả", "bã", "bá", "bạ", "bac", "Bac"}
	for i := 1; i < len(order); i++ {
		if !(CollationKey(order[i-1]) < CollationKey(order[i])) {
			t.Errorf("%q should sort before %q", order[i-1], order[i])
		}
	}
}

package scoring

import (
	"strings"
	"unicode"
)

// Vietnamese alphabetical order (R9) without a collation library: letters
// compare by the Vietnamese alphabet first (a ă â b c d đ e ê …), then by
// tone (none, huyền, hỏi, ngã, sắc, nặng), then by case. Input must be NFC.

// viAlphabet is the letter order, with the foreign letters f j w z in their
// Latin places.
const viAlphabet = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"

// viToned lists each vowel with its five tone marks in dictionary order.
var viToned = []string{
	"aàảãáạ", "ăằẳẵắặ", "âầẩẫấậ", "eèẻẽéẹ", "êềểễếệ", "iìỉĩíị",
	"oòỏõóọ", "ôồổỗốộ", "ơờởỡớợ", "uùủũúụ", "ưừửữứự", "yỳỷỹýỵ",
}

type viLetter struct {
	primary uint16
	tone    byte
}

var viLetters = func() map[rune]viLetter {
	m := map[rune]viLetter{}
	i := 0
	for _, r := range viAlphabet {
		m[r] = viLetter{primary: uint16(0x200 + i)}
		i++
	}
	for _, row := range viToned {
		runes := []rune(row)
		base := m[runes[0]]
		for t, r := range runes {
			m[r] = viLetter{primary: base.primary, tone: byte(t)}
		}
	}
	return m
}()

// CollationKey returns a string whose byte order is the Vietnamese
// alphabetical order of s.
func CollationKey(s string) string {
	var primary, tones, cases strings.Builder
	for _, r := range s {
		lower := unicode.ToLower(r)
		upper := byte(0)
		if lower != r {
			upper = 1
		}
		var w uint16
		switch l, ok := viLetters[lower]; {
		case ok:
			w = l.primary
			tones.WriteByte(l.tone + 1)
		case unicode.IsSpace(r):
			w = 1
		case unicode.IsDigit(r):
			w = 0x100 + uint16(r-'0')&0xff
		case r < 0x80:
			w = 2 + uint16(r)
		default:
			w = 0x1000 + uint16(min(lower, 0xefff))
		}
		primary.WriteByte(byte(w >> 8))
		primary.WriteByte(byte(w))
		cases.WriteByte(upper + 1)
	}
	return primary.String() + "\x00\x00" + tones.String() + "\x00" + cases.String()
}

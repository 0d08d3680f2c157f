package scoring

import "testing"

func TestParseFixed(t *testing.T) {
	cases := map[string]Fixed{"3": 300, "3.0": 300, "3,0": 300, "0.5": 50, "12.25": 1225, "-1.5": -150, "100": 10000}
	for in, want := range cases {
		got, err := ParseFixed(in)
		if err != nil || got != want {
			t.Errorf("ParseFixed(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "abc", "1.234", "1e3", "1.", ".5", "--1", "1,2,3"} {
		if _, err := ParseFixed(bad); err == nil {
			t.Errorf("ParseFixed(%q) accepted", bad)
		}
	}
}

func TestFixedFormatsVietnameseStyle(t *testing.T) {
	cases := []struct {
		in         Fixed
		str, short string
		plain      string
	}{
		{286, "2,86", "2,86", "2.86"},
		{300, "3,00", "3", "3.00"},
		{50, "0,50", "0,5", "0.50"},
		{125000, "1.250,00", "1.250", "1250.00"},
		{-150, "-1,50", "-1,5", "-1.50"},
		{0, "0,00", "0", "0.00"},
	}
	for _, c := range cases {
		if c.in.String() != c.str || c.in.Short() != c.short || c.in.Plain() != c.plain {
			t.Errorf("%d: got %q %q %q; want %q %q %q", int64(c.in), c.in.String(), c.in.Short(), c.in.Plain(), c.str, c.short, c.plain)
		}
	}
	if got := GroupThousands(1234567); got != "1.234.567" {
		t.Errorf("GroupThousands = %q", got)
	}
}

func TestR1_RoundHalfUp(t *testing.T) {
	cases := []struct{ num, den, want int64 }{
		{5, 10, 1},  // 0,5 → 1
		{4, 10, 0},  // 0,4 → 0
		{15, 10, 2}, // 1,5 → 2
		{25, 10, 3}, // 2,5 → 3 (half up, not half even)
		{1, 3, 0},
		{2, 3, 1},
	}
	for _, c := range cases {
		if got := roundDiv(c.num, c.den); got != c.want {
			t.Errorf("roundDiv(%d, %d) = %d, want %d", c.num, c.den, got, c.want)
		}
	}
	// 2/3 = 66,666…% → 66,67%.
	if got := RatioPercent(2, 3); got != 6667 {
		t.Errorf("RatioPercent(2,3) = %v", got)
	}
}

func TestFixedJSONRoundTrip(t *testing.T) {
	var f Fixed
	if err := f.UnmarshalJSON([]byte("2.86")); err != nil || f != 286 {
		t.Fatalf("UnmarshalJSON: %v %v", f, err)
	}
	b, _ := f.MarshalJSON()
	if string(b) != "2.86" {
		t.Fatalf("MarshalJSON = %s", b)
	}
	if err := f.UnmarshalJSON([]byte(`"x"`)); err == nil {
		t.Fatal("accepted a non-number")
	}
}

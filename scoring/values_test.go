package scoring

import (
	"encoding/json"
	"testing"
)

// TestZeroDateRoundTrips: a date left unset survives JSON, as every
// workflow and activity input carries it.
func TestZeroDateRoundTrips(t *testing.T) {
	b, err := json.Marshal(struct{ D Date }{})
	if err != nil {
		t.Fatal(err)
	}
	var back struct{ D Date }
	if err := json.Unmarshal(b, &back); err != nil || back.D != (Date{}) {
		t.Fatalf("%s: %+v %v", b, back, err)
	}
	if err := json.Unmarshal([]byte(`{"D":"0000-13-00"}`), &back); err == nil {
		t.Fatal("a malformed date was accepted")
	}
}

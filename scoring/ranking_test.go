package scoring

import (
	"reflect"
	"testing"
)

func sheet(code, name string, final Fixed, submitted bool) *Sheet {
	return &Sheet{Annex: AnnexPL01, Unit: Unit{Code: code, Name: name}, Submitted: submitted, Final: final, AppraisedTotal: final, SelfTotal: final}
}

func TestR9_RankingTiesShareARankAndTheNextSkips(t *testing.T) {
	sheets := []*Sheet{
		sheet("A", "Sở Y tế", 8000, true),
		sheet("B", "Sở Xây dựng", 9000, true),
		sheet("C", "Ban Dân tộc", 9000, true),
		sheet("D", "Sở Tư pháp", 9500, true),
		sheet("E", "Ủy ban Mặt trận", 0, false),
		sheet("F", "Ban Đào tạo", 0, false),
		sheet("G", "Sở Nội vụ", 7000, true),
		{Annex: AnnexPL02, Unit: Unit{Code: "H", Name: "UBND huyện Bát Xát"}, Submitted: true, Final: 9900},
	}
	r := Rank(AnnexPL01, 2026, sheets)
	var got []string
	var ranks []int
	for _, row := range r.Rows {
		got = append(got, row.Unit.Name)
		ranks = append(ranks, row.Rank)
	}
	wantNames := []string{"Sở Tư pháp", "Ban Dân tộc", "Sở Xây dựng", "Sở Y tế", "Sở Nội vụ", "Ban Đào tạo", "Ủy ban Mặt trận"}
	wantRanks := []int{1, 2, 2, 4, 5, 0, 0}
	if !reflect.DeepEqual(got, wantNames) || !reflect.DeepEqual(ranks, wantRanks) {
		t.Fatalf("got %v %v\nwant %v %v", got, ranks, wantNames, wantRanks)
	}
	for _, row := range r.Rows[5:] {
		if row.Submitted || row.Final != 0 {
			t.Errorf("non-submitter %s ranked or scored", row.Unit.Name)
		}
	}
}

func TestR9_TiesAreComparedToTwoDecimals(t *testing.T) {
	// Equal to 2 decimals means equal Fixed values; 90,01 and 90,00 differ.
	r := Rank(AnnexPL01, 2026, []*Sheet{
		sheet("A", "Sở A", 9001, true), sheet("B", "Sở B", 9000, true), sheet("C", "Sở C", 9000, true), sheet("D", "Sở D", 8999, true),
	})
	var ranks []int
	for _, row := range r.Rows {
		ranks = append(ranks, row.Rank)
	}
	if !reflect.DeepEqual(ranks, []int{1, 2, 2, 4}) {
		t.Fatalf("ranks %v", ranks)
	}
}

func TestR9_RankingIgnoresInputOrder(t *testing.T) {
	a := []*Sheet{sheet("A", "Sở A", 5000, true), sheet("B", "Sở B", 5000, true), sheet("C", "Sở C", 6000, true)}
	b := []*Sheet{a[2], a[1], a[0]}
	if !reflect.DeepEqual(Rank(AnnexPL01, 2026, a), Rank(AnnexPL01, 2026, b)) {
		t.Fatal("ranking depends on input order")
	}
}

package workflows

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"ictindex/activities"
	"ictindex/scoring"
)

// objectionsAt runs a two-unit campaign with a nine-working-day objection
// window and a campaign holiday on 10 November: appraisal ends at 3 h
// (Sunday 1 November, 11:00), so the window runs Monday 2 to Friday 13
// November (the 10th is off).
func objectionsAt(t *testing.T) (*harness, CampaignInput, *activities.RankInput, *int) {
	t.Helper()
	h := newHarness(t)
	published, rankIn := mockCampaign(h)
	snv, snvFigs := sample(t, "SNV")
	tv, tvFigs := sample(t, "DPTTH")
	st := settings()
	st.Holidays = append(st.Holidays, scoring.Date{Year: 2026, Month: 11, Day: 10})
	in := CampaignInput{Year: 2026, Settings: st, Units: []activities.UnitRef{snv, tv}, ObjectionDays: 9,
		Decision: activities.DecisionMeta{Signer: "Nguyễn Văn A"}}
	for i, u := range []struct {
		code string
		figs map[string]any
	}{{"SNV", snvFigs}, {"DPTTH", tvFigs}} {
		id := UnitWorkflowID(2026, u.code)
		at := time.Duration(i) * time.Minute
		h.update(time.Hour+at, id, u.code+" save", UpdateSaveFigures, SaveFiguresArgs{By: "staff", Figures: u.figs})
		h.update(time.Hour+10*time.Minute+at, id, u.code+" submit", UpdateSubmit, ActorArgs{By: "staff"})
		h.update(3*time.Hour+at, id, u.code+" finish", UpdateFinishAppraisal, ActorArgs{By: appraiser})
	}
	h.update(2*time.Hour, "", "close", UpdateCloseCollection, ActorArgs{By: "admin"})
	return h, in, rankIn, published
}

// TestObjectionWindow: the preliminary results open a window of working
// days counted with the campaign's holidays; objections are taken within
// it (and within its extension) and refused after; the final ranking
// waits for every answer; an accepted objection corrects the unit's
// record with the objection as its reason.
func TestObjectionWindow(t *testing.T) {
	h, in, rankIn, published := objectionsAt(t)
	ranks := &h.ranks
	obj := func(label string, at time.Duration, a ObjectArgs) {
		a.By, a.Unit, a.Name = "snv-staff", "SNV", "Sở Nội vụ"
		h.update(at, "", label, UpdateObject, a)
	}
	var opened, closed, waiting CampaignStatus
	h.statusAt(4*time.Hour, &opened)
	obj("object no text", 5*time.Hour, ObjectArgs{Kind: activities.ObjectCriterion, Target: "II.1.2", Explanation: " "})
	obj("object no value", 5*time.Hour+time.Minute, ObjectArgs{Kind: activities.ObjectCriterion, Target: "III.4", Figure: "online_meetings", Explanation: "x"})
	obj("object", 5*time.Hour+2*time.Minute, ObjectArgs{Kind: activities.ObjectCriterion, Target: "III.4", Figure: "online_meetings", Value: 12,
		Explanation: "Đơn vị đã tổ chức 12 cuộc họp trực tuyến, biên bản kèm theo"})
	obj("object deduction", 6*time.Hour, ObjectArgs{Kind: activities.ObjectDeduction, Target: "late", Explanation: "Đường truyền gián đoạn"})
	h.update(7*time.Hour, "", "answer no reason", UpdateAnswerObjection, AnswerArgs{By: appraiser, ID: 1, Accept: true})
	h.update(7*time.Hour+time.Minute, "", "answer unknown", UpdateAnswerObjection, AnswerArgs{By: appraiser, ID: 9, Reason: "x"})
	h.update(8*time.Hour, "", "accept", UpdateAnswerObjection, AnswerArgs{By: appraiser, ID: 1, Accept: true, Reason: "Biên bản họp khớp lịch công tác"})
	h.update(8*time.Hour+time.Minute, "", "accept twice", UpdateAnswerObjection, AnswerArgs{By: appraiser, ID: 1, Accept: true, Reason: "x"})
	h.update(9*time.Hour, "", "publish early", UpdateApprovePublish, PublishArgs{By: "leader"})
	h.update(100*time.Hour, "", "extend no days", UpdateExtendObjections, ExtendObjectionsArgs{By: "admin"})
	h.update(100*time.Hour+time.Minute, "", "extend", UpdateExtendObjections, ExtendObjectionsArgs{By: "admin", Days: 2, Reason: "Đơn vị đề nghị"})
	// The first close (Friday 13, 23:59:59) is 279 h 59 m 59 s after the
	// start; the extension moves it to Tuesday 17 (399 h 59 m 59 s).
	obj("object extended", 290*time.Hour, ObjectArgs{Kind: activities.ObjectCriterion, Target: "II.1.2", Explanation: "Bổ sung sổ văn bản"})
	h.statusAt(405*time.Hour, &closed)
	obj("object late", 406*time.Hour, ObjectArgs{Kind: activities.ObjectCriterion, Target: "II.1.2", Explanation: "x"})
	h.update(407*time.Hour, "", "extend late", UpdateExtendObjections, ExtendObjectionsArgs{By: "admin", Days: 1})
	h.update(420*time.Hour, "", "reject", UpdateAnswerObjection, AnswerArgs{By: appraiser, ID: 2, Reason: "Hệ thống ghi nhận đúng giờ nhận"})
	h.statusAt(430*time.Hour, &waiting)
	h.update(440*time.Hour, "", "reject last", UpdateAnswerObjection, AnswerArgs{By: appraiser, ID: 3, Reason: "Không có tài liệu kèm theo"})
	h.update(450*time.Hour, "", "publish", UpdateApprovePublish, PublishArgs{By: "leader"})
	h.update(451*time.Hour, "", "close year", UpdateCloseYear, ActorArgs{By: "admin"})
	h.env.ExecuteWorkflow(Campaign, in)
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.ok("close", "object", "object deduction", "accept", "extend", "object extended", "reject", "reject last", "publish", "close year")
	h.refused("object no text", "explanation")
	h.refused("object no value", "value")
	h.refused("answer no reason", "reason")
	h.refused("answer unknown", "id")
	h.refused("accept twice", "status")
	h.refused("publish early", "status")
	h.refused("extend no days", "days")
	h.refused("object late", "status")
	h.refused("extend late", "status")

	want := time.Date(2026, 11, 13, 23, 59, 59, 0, scoring.Vietnam)
	if opened.Phase != PhasePreliminary || opened.Window == nil || !opened.Window.Closes.Equal(want) || opened.Preliminary == nil {
		t.Fatalf("at 4 h: %s, window %+v", opened.Phase, opened.Window)
	}
	if w := closed.Window; w == nil || !w.Closed || w.Days != 11 || !w.Closes.Equal(time.Date(2026, 11, 17, 23, 59, 59, 0, scoring.Vietnam)) {
		t.Fatalf("at 405 h: window %+v", closed.Window)
	}
	if waiting.Phase != PhasePreliminary || waiting.Unanswered() != 1 || waiting.Results.VersionID != "r1" {
		t.Fatalf("at 430 h: %s with %d unanswered, results %s", waiting.Phase, waiting.Unanswered(), waiting.Results.VersionID)
	}
	if *published != 1 {
		t.Errorf("published %d times", *published)
	}
	if *ranks != 2 {
		t.Fatalf("ranked %d times, want the preliminary and the final", *ranks)
	}
	// The final ranking reads the revised record.
	recs := h.docs.manifest(t, rankIn.Manifest)
	key := activities.RecordKey(2026, "SNV")
	var snvRef activities.DocumentRef
	for _, r := range recs {
		if r.Key == key {
			snvRef = r
		}
	}
	// v2: the accepted objection's correction; v3: the objections written in.
	if snvRef.VersionID != "v3" || !strings.Contains(rankIn.Manifest.Key, "final") {
		t.Fatalf("final manifest %s names %+v", rankIn.Manifest.Key, snvRef)
	}
	var rec activities.UnitRecord
	if err := json.Unmarshal(h.docs.latest(key), &rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.Objections) != 3 || rec.Objections[0].Answer == nil || !rec.Objections[0].Answer.Accepted || rec.Objections[1].Answer.Accepted {
		t.Fatalf("the record's objections: %+v", rec.Objections)
	}
	ap := rec.Submission.Appraisal
	if ap == nil || len(ap.Corrections) != 1 || ap.Corrections[0].Figure != "online_meetings" ||
		!strings.Contains(ap.Corrections[0].Reason, "Chấp nhận phản hồi số 1") || ap.Corrections[0].By != appraiser {
		t.Fatalf("revised appraisal %+v", ap)
	}
	var final CampaignStatus
	v, err := h.env.QueryWorkflow(QueryStatus)
	if err == nil {
		err = v.Get(&final)
	}
	if err != nil {
		t.Fatal(err)
	}
	a := final.Objections[0].Answer
	if len(final.Objections) != 3 || a == nil || !a.Accepted || a.After <= a.Before || final.Objections[1].Answer.Accepted {
		t.Fatalf("objections %+v", final.Objections)
	}
	if final.Preliminary.VersionID != "r1" || final.Results.VersionID != "r2" {
		t.Errorf("preliminary %s, final %s", final.Preliminary.VersionID, final.Results.VersionID)
	}
	var trail []string
	for _, e := range final.History {
		trail = append(trail, e.By+": "+e.Action)
	}
	joined := strings.Join(trail, "\n")
	for _, w := range []string{"hệ thống: công bố kết quả sơ bộ", "snv-staff: gửi phản hồi kết quả sơ bộ", appraiser + ": trả lời phản hồi",
		"admin: gia hạn nhận phản hồi", "hệ thống: hết hạn nhận phản hồi", "hệ thống: xếp hạng chính thức"} {
		if !strings.Contains(joined, w) {
			t.Errorf("the history lacks %q:\n%s", w, joined)
		}
	}
	kinds := map[string]int{}
	for _, n := range h.notices {
		kinds[n.Kind]++
	}
	if kinds["preliminary"] != 2 || kinds["objection_answer"] != 3 {
		t.Errorf("notices %v", kinds)
	}
}

// TestNoObjectionWindow: a campaign without ObjectionDays ranks once and
// drafts at once, as before.
func TestNoObjectionWindow(t *testing.T) {
	h, in, _, _ := objectionsAt(t)
	ranks := &h.ranks
	in.ObjectionDays = 0
	var drafted CampaignStatus
	h.statusAt(5*time.Hour, &drafted)
	h.update(6*time.Hour, "", "object", UpdateObject, ObjectArgs{By: "x", Unit: "SNV", Kind: activities.ObjectDeduction, Target: "late", Explanation: "x"})
	h.update(7*time.Hour, "", "publish", UpdateApprovePublish, PublishArgs{By: "leader"})
	h.update(8*time.Hour, "", "close year", UpdateCloseYear, ActorArgs{By: "admin"})
	h.env.ExecuteWorkflow(Campaign, in)
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.ok("publish", "close year")
	h.refused("object", "status")
	if drafted.Phase != PhaseDrafted || drafted.Window != nil || *ranks != 1 {
		t.Fatalf("at 5 h: %s, window %+v, %d rankings", drafted.Phase, drafted.Window, *ranks)
	}
}

// TestCloseObjectionsEarly: the admin may end the window before its time
// with a reason; without one it is refused; after it no objection is
// taken, and the final ranking follows the last answer.
func TestCloseObjectionsEarly(t *testing.T) {
	h, in, _, published := objectionsAt(t)
	var closed CampaignStatus
	h.update(5*time.Hour, "", "object", UpdateObject, ObjectArgs{By: "snv-staff", Unit: "SNV", Name: "Sở Nội vụ",
		Kind: activities.ObjectDeduction, Target: "late", Explanation: "Đường truyền gián đoạn"})
	h.update(6*time.Hour, "", "close no reason", UpdateCloseObjections, CloseObjectionsArgs{By: "admin", Reason: " "})
	h.update(6*time.Hour+time.Minute, "", "close early", UpdateCloseObjections, CloseObjectionsArgs{By: "admin", Reason: "Các đơn vị đã xác nhận không còn ý kiến"})
	h.statusAt(7*time.Hour, &closed)
	h.update(8*time.Hour, "", "object after", UpdateObject, ObjectArgs{By: "snv-staff", Unit: "SNV", Name: "Sở Nội vụ",
		Kind: activities.ObjectDeduction, Target: "late", Explanation: "x"})
	h.update(8*time.Hour+time.Minute, "", "close twice", UpdateCloseObjections, CloseObjectionsArgs{By: "admin", Reason: "x"})
	h.update(9*time.Hour, "", "reject", UpdateAnswerObjection, AnswerArgs{By: appraiser, ID: 1, Reason: "Hệ thống ghi nhận đúng giờ nhận"})
	h.update(10*time.Hour, "", "publish", UpdateApprovePublish, PublishArgs{By: "leader"})
	h.update(11*time.Hour, "", "close year", UpdateCloseYear, ActorArgs{By: "admin"})
	h.env.ExecuteWorkflow(Campaign, in)
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	h.ok("object", "close early", "reject", "publish", "close year")
	h.refused("close no reason", "reason")
	h.refused("object after", "status")
	h.refused("close twice", "status")
	if w := closed.Window; w == nil || !w.Closed || closed.Phase != PhasePreliminary {
		t.Fatalf("at 7 h: %s, window %+v", closed.Phase, closed.Window)
	}
	if *published != 1 {
		t.Errorf("published %d times", *published)
	}
}

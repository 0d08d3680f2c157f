package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"ictindex/activities"
	"ictindex/scoring"
)

// Preliminary results and objections (version "objections" of the
// campaign, when the campaign gives ObjectionDays): once appraisal has
// ended and every unit is ranked, the ranking is published as preliminary.
// Each unit reads its own appraised sheet and preliminary rank and, for
// ObjectionDays working days (the campaign's holidays and the solar ones
// excepted; the admin may extend), may object to a criterion's points or
// to a deduction, with an explanation, the figure it asks for and evidence.
// The appraiser answers each: accepted, the unit's record is revised
// through the normal correction with the objection as its reason; or
// rejected, with a reason. The final ranking is made, and the decision
// drafted, when the window has ended and every objection has its answer.

// PhasePreliminary: the preliminary results are out; objections are taken
// until the window closes, then answered.
const PhasePreliminary = "preliminary"

// DefaultObjectionDays is the window a campaign opened without a setting
// gives (Quảng Bình, 2019: about nine working days).
const DefaultObjectionDays = 9

// Update names of the objections.
const (
	UpdateObject           = "object"
	UpdateAnswerObjection  = "answer-objection"
	UpdateExtendObjections = "extend-objections"
	UpdateCloseObjections  = "close-objections"
)

// MaxObjectionsPerUnit bounds what one unit may file.
const MaxObjectionsPerUnit = 30

// ObjectionWindow is when objections are taken.
type ObjectionWindow struct {
	Opened time.Time `json:"opened"`
	Closes time.Time `json:"closes"`
	Days   int       `json:"days"` // working days in all, extensions included
	Closed bool      `json:"closed"`
}

// ObjectArgs is a unit's objection; Unit and Name are filled by the API
// from the unit the user acts for.
type ObjectArgs struct {
	By          string                   `json:"by"`
	Unit        string                   `json:"unit"`
	Name        string                   `json:"name"`
	Kind        string                   `json:"kind"`
	Target      string                   `json:"target"`
	Figure      string                   `json:"figure,omitempty"`
	Value       any                      `json:"value,omitempty"`
	Explanation string                   `json:"explanation"`
	Evidence    []activities.EvidenceRef `json:"evidence,omitempty"`
}

// AnswerArgs is the appraiser's answer to objection ID. Accepting a
// criterion objection corrects Figure to Value (the unit's ask when
// empty).
type AnswerArgs struct {
	By     string `json:"by"`
	ID     int    `json:"id"`
	Accept bool   `json:"accept"`
	Reason string `json:"reason"`
	Figure string `json:"figure,omitempty"`
	Value  any    `json:"value,omitempty"`
}

// CloseObjectionsArgs ends the window before its time, with the reason
// (every unit has said it has nothing more to send, say).
type CloseObjectionsArgs struct {
	By     string `json:"by"`
	Reason string `json:"reason"`
}

// ExtendObjectionsArgs adds working days to the window.
type ExtendObjectionsArgs struct {
	By     string `json:"by"`
	Days   int    `json:"days"`
	Reason string `json:"reason,omitempty"`
}

// Unanswered counts the objections without an answer.
func (s CampaignStatus) Unanswered() int {
	n := 0
	for _, o := range s.Objections {
		if o.Answer == nil {
			n++
		}
	}
	return n
}

func (c *campaign) registerObjections(ctx workflow.Context) error {
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateObject, c.object,
		workflow.UpdateHandlerOptions{Validator: c.validateObject}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateAnswerObjection, c.answer,
		workflow.UpdateHandlerOptions{Validator: c.validateAnswer}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateCloseObjections, c.closeObjections,
		workflow.UpdateHandlerOptions{Validator: c.validateCloseObjections}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateExtendObjections, c.extendObjections,
		workflow.UpdateHandlerOptions{Validator: c.validateExtendObjections})
}

// preliminary publishes the ranking as preliminary, takes objections
// until the window closes, waits for every answer and ranks again if an
// answer changed a record.
func (c *campaign) preliminary(ctx workflow.Context) error {
	if workflow.GetVersion(ctx, "objections", workflow.DefaultVersion, 1) == workflow.DefaultVersion || c.in.ObjectionDays <= 0 {
		return nil
	}
	now := workflow.Now(ctx)
	w := &ObjectionWindow{Opened: now, Closes: scoring.AddWorkingDays(now, c.in.ObjectionDays, c.in.Settings.Holidays), Days: c.in.ObjectionDays}
	c.status.Window, c.status.Preliminary, c.status.Phase = w, c.status.Results, PhasePreliminary
	c.log(ctx, "hệ thống", "công bố kết quả sơ bộ", fmt.Sprintf("nhận phản hồi trong %d ngày làm việc, đến %s", w.Days, viTime(w.Closes)))
	c.notify(ctx, activities.Notice{Kind: "preliminary",
		Subject: fmt.Sprintf("Kết quả sơ bộ đánh giá năm %d: gửi phản hồi trước %s", c.in.Year, viTime(w.Closes)),
		Body: fmt.Sprintf("Sở Thông tin và Truyền thông công bố kết quả thẩm định sơ bộ. Đơn vị xem bảng điểm của mình và gửi văn bản phản hồi, giải trình, bổ sung thông tin (nếu có) trước %s.",
			viTime(w.Closes))})
	for {
		closes := w.Closes
		d := closes.Sub(workflow.Now(ctx))
		if d <= 0 {
			break
		}
		if _, err := workflow.AwaitWithTimeout(ctx, d, func() bool { return !w.Closes.Equal(closes) }); err != nil {
			return err
		}
	}
	// The validators refuse from here; an update accepted just before
	// may still be running.
	w.Closed = true
	c.log(ctx, "hệ thống", "hết hạn nhận phản hồi", fmt.Sprintf("%d phản hồi, %d chưa trả lời", len(c.status.Objections), c.status.Unanswered()))
	if err := workflow.Await(ctx, func() bool { return c.status.Unanswered() == 0 && !c.revising }); err != nil {
		return err
	}
	if len(c.status.Objections) > 0 && workflow.GetVersion(ctx, "objections-recorded", workflow.DefaultVersion, 1) == 1 {
		if err := c.recordObjections(ctx); err != nil {
			return err
		}
	}
	if len(c.revised) == 0 {
		c.log(ctx, "hệ thống", "giữ nguyên kết quả sơ bộ", "không có phản hồi")
		return nil
	}
	return c.rerank(ctx)
}

// recordObjections writes each objecting unit's objections and answers
// into its record, so that the record and the decision's score sheet list
// them; the records written count as revised.
func (c *campaign) recordObjections(ctx workflow.Context) error {
	in := activities.RecordObjectionsInput{Year: c.in.Year, Objections: c.status.Objections, Manifest: c.manifest, Records: map[string]activities.DocumentRef{}}
	for _, o := range c.status.Objections {
		if r := c.recordRef(o.Unit); r != nil {
			in.Records[o.Unit] = *r
		}
	}
	var out []activities.DocumentRef
	if err := workflow.ExecuteActivity(archiveCtx(ctx), act.RecordObjections, in).Get(ctx, &out); err != nil {
		return err
	}
	for _, r := range out {
		if k := c.revisedOf(r.Key); k != nil {
			*k = r
		} else {
			c.revised = append(c.revised, r)
		}
	}
	return nil
}

// rerank ranks every unit again with the records the objections revised.
func (c *campaign) rerank(ctx workflow.Context) error {
	in := activities.RankInput{Year: c.in.Year, Settings: c.in.Settings}
	if c.sharded {
		var m activities.DocumentRef
		if err := workflow.ExecuteActivity(archiveCtx(ctx), act.WriteManifest, activities.ManifestInput{Year: c.in.Year, Shard: "final",
			Parts: []activities.DocumentRef{*c.manifest}, Replace: c.revised}).Get(ctx, &m); err != nil {
			return err
		}
		c.manifest, in.Manifest = &m, &m
	} else {
		for i, r := range c.records {
			if k := c.revisedOf(r.Key); k != nil {
				c.records[i] = *k
			}
		}
		in.Records = c.records
	}
	var out activities.RankResult
	if err := workflow.ExecuteActivity(documentCtx(ctx), act.Rank, in).Get(ctx, &out); err != nil {
		return err
	}
	c.status.Results, c.status.Places, c.status.PlacesDoc = &out.Results, out.Places, out.PlacesDoc
	c.status.Phase = PhaseRanked
	accepted := 0
	for _, o := range c.status.Objections {
		if o.Answer != nil && o.Answer.Accepted {
			accepted++
		}
	}
	c.log(ctx, "hệ thống", "xếp hạng chính thức", fmt.Sprintf("sau %d phản hồi, %d được chấp nhận", len(c.status.Objections), accepted))
	return nil
}

// revisedOf is the revised record of the key, or nil.
func (c *campaign) revisedOf(key string) *activities.DocumentRef {
	for i := range c.revised {
		if c.revised[i].Key == key {
			return &c.revised[i]
		}
	}
	return nil
}

// takingObjections refuses an objection or extension outside the window.
func (c *campaign) takingObjections(ctx workflow.Context) error {
	w := c.status.Window
	switch {
	case c.status.Phase != PhasePreliminary || w == nil:
		return wrongState("chưa công bố kết quả sơ bộ hoặc đã xếp hạng chính thức", "there are no preliminary results open to objections")
	case w.Closed || !workflow.Now(ctx).Before(w.Closes):
		return wrongState("đã hết hạn nhận phản hồi ("+viTime(w.Closes)+")", "the objection window has closed")
	}
	return nil
}

func (c *campaign) validateObject(ctx workflow.Context, a ObjectArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if err := c.takingObjections(ctx); err != nil {
		return err
	}
	var errs []scoring.FieldError
	add := func(f, code, vi, en string) {
		errs = append(errs, scoring.FieldError{Field: f, Code: code, Message: vi, MessageEN: en})
	}
	if a.Unit == "" {
		add("unit", scoring.ErrRequired, "Chưa rõ đơn vị phản hồi", "the unit is missing")
	} else if !c.sharded && !c.hasUnit(a.Unit) {
		add("unit", scoring.ErrUnknown, "Đơn vị không tham gia đợt đánh giá này", "the unit is not in this campaign")
	}
	switch a.Kind {
	case activities.ObjectCriterion, activities.ObjectDeduction:
	default:
		add("kind", scoring.ErrNotChoice, "Chọn phản hồi về điểm một tiêu chí hoặc về một khoản trừ điểm", "kind is criterion or deduction")
	}
	if strings.TrimSpace(a.Target) == "" {
		add("target", scoring.ErrRequired, "Chọn tiêu chí hoặc khoản trừ điểm được phản hồi", "the target is missing")
	}
	if a.Figure != "" && a.Value == nil {
		add("value", scoring.ErrRequired, "Nhập giá trị đơn vị đề nghị cho số liệu đã chọn", "the value asked for is missing")
	}
	switch t := strings.TrimSpace(a.Explanation); {
	case t == "":
		add("explanation", scoring.ErrRequired, "Nêu nội dung phản hồi, giải trình", "the explanation is missing")
	case len([]rune(t)) > 4000:
		add("explanation", scoring.ErrInvalid, "Nội dung phản hồi dài quá 4.000 ký tự", "the explanation is over 4,000 characters")
	}
	n := 0
	for _, o := range c.status.Objections {
		if o.Unit == a.Unit {
			n++
		}
	}
	if n >= MaxObjectionsPerUnit {
		add("unit", scoring.ErrInvalid, fmt.Sprintf("Mỗi đơn vị gửi tối đa %d phản hồi", MaxObjectionsPerUnit), "too many objections")
	}
	if len(errs) > 0 {
		return refuse(errs...)
	}
	return nil
}

func (c *campaign) hasUnit(code string) bool {
	for _, u := range c.status.Units {
		if u.Unit.Code == code {
			return true
		}
	}
	return false
}

func (c *campaign) object(ctx workflow.Context, a ObjectArgs) (CampaignStatus, error) {
	o := activities.Objection{ID: len(c.status.Objections) + 1, Unit: a.Unit, Name: a.Name, Kind: a.Kind, Target: strings.TrimSpace(a.Target),
		Figure: a.Figure, Value: a.Value, Explanation: strings.TrimSpace(a.Explanation), Evidence: a.Evidence, By: a.By, At: workflow.Now(ctx)}
	c.status.Objections = append(c.status.Objections, o)
	c.log(ctx, a.By, "gửi phản hồi kết quả sơ bộ", fmt.Sprintf("số %d — %s, %s", o.ID, a.Unit, o.Target))
	return c.status, nil
}

func (c *campaign) validateAnswer(ctx workflow.Context, a AnswerArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if c.status.Phase != PhasePreliminary {
		return wrongState("không có phản hồi chờ trả lời", "there are no objections to answer")
	}
	if a.ID < 1 || a.ID > len(c.status.Objections) {
		return refuse(scoring.FieldError{Field: "id", Code: scoring.ErrUnknown, Message: "Không có phản hồi này", MessageEN: "no such objection"})
	}
	o := c.status.Objections[a.ID-1]
	if o.Answer != nil {
		return wrongState(fmt.Sprintf("phản hồi số %d đã được trả lời", a.ID), "the objection has its answer")
	}
	if c.revising {
		return wrongState("đang cập nhật kết quả theo một phản hồi khác, vui lòng thử lại", "another answer is being applied")
	}
	if strings.TrimSpace(a.Reason) == "" {
		if a.Accept {
			return required("reason", "Nêu căn cứ chấp nhận phản hồi", "the reason is missing")
		}
		return required("reason", "Nêu lý do không chấp nhận phản hồi", "the reason is missing")
	}
	if a.Accept && o.Kind == activities.ObjectCriterion {
		fig, val := answerFix(a, o)
		if fig == "" {
			return required("figure", "Chọn số liệu được đính chính theo phản hồi", "the figure to correct is missing")
		}
		if val == nil {
			return required("value", "Nhập giá trị đúng của số liệu", "the corrected value is missing")
		}
	}
	return nil
}

// answerFix is the correction an accepted criterion objection makes.
func answerFix(a AnswerArgs, o activities.Objection) (string, any) {
	fig, val := a.Figure, a.Value
	if fig == "" {
		fig = o.Figure
	}
	if val == nil && fig == o.Figure {
		val = o.Value
	}
	return fig, val
}

func (c *campaign) answer(ctx workflow.Context, a AnswerArgs) (CampaignStatus, error) {
	o := &c.status.Objections[a.ID-1]
	ans := &activities.Answer{Accepted: a.Accept, Reason: strings.TrimSpace(a.Reason), By: a.By, At: workflow.Now(ctx)}
	verdict := "không chấp nhận"
	if a.Accept {
		verdict = "chấp nhận"
		if o.Kind == activities.ObjectCriterion {
			ans.Figure, ans.Value = answerFix(a, *o)
		}
		c.revising = true
		defer func() { c.revising = false }()
		asked := *o
		asked.Answer = ans
		in := activities.ReviseInput{Year: c.in.Year, Settings: c.in.Settings, Objection: asked, Record: c.recordRef(o.Unit), Manifest: c.manifest}
		var out activities.ReviseResult
		if err := workflow.ExecuteActivity(issueCtx(ctx), act.ReviseRecord, in).Get(ctx, &out); err != nil {
			return c.status, refusal("value", err)
		}
		ans.Before, ans.After = out.Before, out.After
		if k := c.revisedOf(out.Record.Key); k != nil {
			*k = out.Record
		} else {
			c.revised = append(c.revised, out.Record)
		}
	}
	o.Answer = ans
	c.log(ctx, a.By, "trả lời phản hồi", fmt.Sprintf("số %d — %s: %s", o.ID, verdict, ans.Reason))
	c.notify(ctx, activities.Notice{Kind: "objection_answer", Unit: o.Unit,
		Subject: fmt.Sprintf("Trả lời phản hồi số %d về kết quả đánh giá năm %d", o.ID, c.in.Year),
		Body:    fmt.Sprintf("Phản hồi về %s: %s. %s", o.Target, verdict, ans.Reason)})
	return c.status, nil
}

// recordRef is the unit's record as it stands: revised, or as ranked
// (nil when sharded and not revised: the manifest holds it).
func (c *campaign) recordRef(code string) *activities.DocumentRef {
	if k := c.revisedOf(activities.RecordKey(c.in.Year, code)); k != nil {
		r := *k
		return &r
	}
	if !c.sharded {
		for i, u := range c.status.Units {
			if u.Unit.Code == code && i < len(c.records) {
				r := c.records[i]
				return &r
			}
		}
	}
	return nil
}

func (c *campaign) validateExtendObjections(ctx workflow.Context, a ExtendObjectionsArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if err := c.takingObjections(ctx); err != nil {
		return err
	}
	if a.Days < 1 || a.Days > 30 {
		return refuse(scoring.FieldError{Field: "days", Code: scoring.ErrInvalid, Message: "Số ngày làm việc gia hạn từ 1 đến 30", MessageEN: "days is 1 to 30"})
	}
	return nil
}

func (c *campaign) extendObjections(ctx workflow.Context, a ExtendObjectionsArgs) (CampaignStatus, error) {
	w := c.status.Window
	w.Closes = scoring.AddWorkingDays(w.Closes, a.Days, c.in.Settings.Holidays)
	w.Days += a.Days
	detail := fmt.Sprintf("thêm %d ngày làm việc, đến %s", a.Days, viTime(w.Closes))
	if r := strings.TrimSpace(a.Reason); r != "" {
		detail += ": " + r
	}
	c.log(ctx, a.By, "gia hạn nhận phản hồi", detail)
	c.notify(ctx, activities.Notice{Kind: "preliminary", Subject: fmt.Sprintf("Gia hạn nhận phản hồi kết quả đánh giá năm %d đến %s", c.in.Year, viTime(w.Closes)),
		Body: "Hạn gửi văn bản phản hồi, giải trình được gia hạn đến " + viTime(w.Closes) + "."})
	return c.status, nil
}

func (c *campaign) validateCloseObjections(ctx workflow.Context, a CloseObjectionsArgs) error {
	if err := needBy(a.By); err != nil {
		return err
	}
	if err := c.takingObjections(ctx); err != nil {
		return err
	}
	if strings.TrimSpace(a.Reason) == "" {
		return required("reason", "Nêu lý do kết thúc sớm việc nhận phản hồi", "the reason is missing")
	}
	return nil
}

// closeObjections moves the window's end to now: the waiting loop in
// preliminary sees the change and closes it.
func (c *campaign) closeObjections(ctx workflow.Context, a CloseObjectionsArgs) (CampaignStatus, error) {
	w := c.status.Window
	w.Closes = workflow.Now(ctx)
	c.log(ctx, a.By, "kết thúc sớm việc nhận phản hồi", strings.TrimSpace(a.Reason))
	return c.status, nil
}

// notify sends a notice; a failure never holds the campaign.
func (c *campaign) notify(ctx workflow.Context, n activities.Notice) {
	n.Year, n.At = c.in.Year, workflow.Now(ctx)
	_ = workflow.ExecuteActivity(notifyCtx(ctx), act.Notify, n).Get(ctx, nil)
}

// viTime is a time as the notices write it: "23:59 17/12/2026".
func viTime(t time.Time) string { return t.In(scoring.Vietnam).Format("15:04 02/01/2006") }

package scoring

import (
	"fmt"
	"time"
)

// DeductionLine is one itemised deduction with its reason (R7).
type DeductionLine struct {
	Code      string        `json:"code"` // "V.1"
	Kind      DeductionKind `json:"kind"`
	Criterion string        `json:"criterion,omitempty"` // for data-quality flags
	Reason    string        `json:"reason"`
	Count     int           `json:"count"`  // days late, or 1
	Points    Fixed         `json:"points"` // Count × the section's rate
}

// LateDays returns the calendar days or parts of days by which a
// submission accepted at the given time missed the deadline (R7).
func LateDays(accepted, deadline time.Time) int {
	late := accepted.Sub(deadline)
	if late <= 0 {
		return 0
	}
	day := 24 * time.Hour
	return int((late + day - 1) / day)
}

// deduct lists the deductions of a scored sheet and sets the final score.
func (s *Set) deduct(sh *Sheet, sub *Submission, st *Settings) {
	deadline := st.Deadline
	if sub.Deadline != nil {
		deadline = *sub.Deadline // extended for this unit
	}
	if d := s.idx.deduct[DeductLate]; d != nil && sub.SubmittedAt != nil {
		if n := LateDays(*sub.SubmittedAt, deadline); n > 0 {
			sh.Deductions = append(sh.Deductions, DeductionLine{Code: d.Code, Kind: d.Kind, Count: n, Points: Fixed(n) * d.Points,
				Reason: fmt.Sprintf("Gửi báo cáo muộn %d ngày (hệ thống nhận lúc %s, hạn %s)", n,
					sub.SubmittedAt.In(Vietnam).Format("15:04 02/01/2006"), deadline.In(Vietnam).Format("15:04:05 02/01/2006"))})
		}
	}
	if a := sub.Appraisal; a != nil {
		if d := s.idx.deduct[DeductQuality]; d != nil {
			for _, q := range a.QualityFlags {
				sh.Deductions = append(sh.Deductions, DeductionLine{Code: d.Code, Kind: d.Kind, Criterion: q.Criterion, Count: 1, Points: d.Points,
					Reason: fmt.Sprintf("Tiêu chí %s: số liệu không đảm bảo chất lượng đánh giá — %s", q.Criterion, q.Reason)})
			}
		}
		if d := s.idx.deduct[DeductFreeEmail]; d != nil && a.FreeEmail != "" {
			sh.Deductions = append(sh.Deductions, DeductionLine{Code: d.Code, Kind: d.Kind, Count: 1, Points: d.Points,
				Reason: "Sử dụng hộp thư điện tử miễn phí trong văn bản hành chính — " + a.FreeEmail})
		}
	}
	for _, d := range sh.Deductions {
		sh.DeductionTotal += d.Points
	}
	sh.Final = max(0, sh.AppraisedTotal-sh.DeductionTotal)
}

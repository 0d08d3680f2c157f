// Package scoring is the pure domain of ictindex: the criteria sets of
// Decision 3299/QĐ-UBND as types, the rule kinds that turn a unit's figures
// into points, score sheets with their working, deductions (R7) and the
// per-annex ranking (R9).
//
// It uses exact fixed-point arithmetic (R1): every figure is an integer, every
// threshold and maximum a two-decimal Fixed, and each criterion's points are
// rounded half-up once, at the end. It imports no Temporal, MinIO, gin or
// fpdf; the other packages speak its types.
package scoring

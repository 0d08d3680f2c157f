// Package report renders the People's Committee decision (QUYẾT ĐỊNH) that
// announces a campaign's assessment and ranking, as the official PDF: the
// decision itself laid out as Decree 30/2020/NĐ-CP requires, the ranking
// of each annex with a bar chart (Phụ lục I, II) and every submitted unit's
// score sheet with its evidence manifest (Phụ lục III).
//
// It is pure: a Decision in, PDF bytes out (Render, or RenderTo a writer
// for a large decision, without the whole file in memory). It reads
// scoring's types and draws with fpdf; it knows nothing of workflows,
// storage or HTTP. The same Decision always gives the same bytes.
package report

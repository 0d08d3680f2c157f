package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"

	"ictindex/activities"
	"ictindex/api/store"
	"ictindex/archive"
	"ictindex/scoring"
	"ictindex/templates"
)

// runCriteriaCheck validates a set file and lists every problem: exit 2
// (bad input) when there is one.
func runCriteriaCheck(e *env, args []string) error {
	fs := flag.NewFlagSet("criteria check", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return badInput(err)
	}
	if len(pos) != 1 {
		return badInput(fmt.Errorf("cách dùng: ictindex criteria check TỆP.yaml"))
	}
	entry, err := checkSetFile(pos[0])
	if err != nil {
		return err
	}
	describeSet(e, entry)
	return nil
}

// checkSetFile reads and checks a set file, listing every problem.
func checkSetFile(path string) (templates.Entry, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return templates.Entry{}, badInput(fmt.Errorf("không đọc được tệp %s: %w", path, err))
	}
	entry, err := templates.Check(raw)
	var se *scoring.SetError
	switch {
	case errors.As(err, &se):
		msg := fmt.Sprintf("%s: bộ tiêu chí %s không hợp lệ, %d lỗi:", path, se.Annex, len(se.Problems))
		for _, p := range se.Problems {
			msg += "\n  - " + p
		}
		return templates.Entry{}, badInput(errors.New(msg))
	case err != nil:
		return templates.Entry{}, badInput(fmt.Errorf("%s: %w", path, err))
	}
	return entry, nil
}

func describeSet(e *env, entry templates.Entry) {
	s := entry.Set
	fmt.Fprintf(e.stdout, "Hợp lệ: %s — %s\n", entry.Ref.Key, s.Title)
	fmt.Fprintf(e.stdout, "  Quyết định %s ngày %s, %s\n", s.Decision, s.DecisionDate, s.AnnexTitle)
	fmt.Fprintf(e.stdout, "  %d số liệu, %d tiêu chí, %d mục trừ điểm, tổng điểm %s\n", len(s.Figures), len(s.Criteria()), len(s.Deductions), s.Total)
	fmt.Fprintf(e.stdout, "  SHA-256 %s\n", entry.Ref.Hash)
}

// runCriteriaImport checks a set file and stores it in the archive
// (ICTINDEX_S3_*), recording the import in the audit log of the users
// database when one is named.
func runCriteriaImport(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("criteria import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	db := fs.String("db", databaseURL(""), "cơ sở dữ liệu người dùng, cho nhật ký quản trị (mặc định ICTINDEX_DATABASE_URL)")
	by := fs.String("by", envOr("USER", store.BySystem), "người nhập, ghi vào nhật ký")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return badInput(err)
	}
	if len(pos) != 1 {
		return badInput(fmt.Errorf("cách dùng: ictindex criteria import TỆP.yaml [--db …]"))
	}
	entry, err := checkSetFile(pos[0])
	if err != nil {
		return err
	}
	st, err := openArchiveFromEnv(ctx)
	if err != nil {
		return err
	}
	doc, err := st.PutCriteriaSet(ctx, entry.Ref.Key, entry.Ref.Hash, entry.Raw)
	if err != nil {
		return fmt.Errorf("lưu bộ tiêu chí vào kho: %w", err)
	}
	if *db != "" {
		users, err := openUsers(ctx, *db, "", newLogger(e.stderr, slog.LevelInfo))
		if err != nil {
			return err
		}
		defer users.Close()
		if err := users.Record(ctx, *by, store.ActionImportCriteria, entry.Ref.Key, entry.Ref.Hash); err != nil {
			return err
		}
	}
	describeSet(e, entry)
	fmt.Fprintf(e.stdout, "Đã lưu vào kho: %s (phiên bản %s, khoá đến %s)\n", doc.Key, doc.VersionID, doc.RetainUntil.Format("02/01/2006"))
	return nil
}

// runCriteriaList lists the built-in sets and those in the archive.
func runCriteriaList(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("criteria list", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	local := fs.Bool("embedded", false, "chỉ các bộ có sẵn trong chương trình (không cần kho)")
	if _, err := parseFlags(fs, args); err != nil {
		return badInput(err)
	}
	emb, err := templates.Embedded()
	if err != nil {
		return err
	}
	t := &table{widths: []int{14, 14, 10, 66}}
	t.add("Khoá", "SHA-256", "Nguồn", "Tên")
	t.rule()
	for _, en := range emb {
		t.add(en.Ref.Key, en.Ref.Hash[:12], "có sẵn", en.Set.Title)
	}
	if !*local {
		st, err := openArchiveFromEnv(ctx)
		if err != nil {
			return err
		}
		stored, err := st.ListCriteriaSets(ctx)
		if err != nil {
			return err
		}
		lib := templates.NewLibrary(activities.SetSource(st))
		for _, s := range stored {
			set, err := lib.Set(ctx, templates.SetRef{Key: s.Key, Hash: s.SHA256})
			title := "(không đọc được: " + fmt.Sprint(err) + ")"
			if err == nil {
				title = set.Title
			}
			t.add(s.Key, s.SHA256[:12], s.StoredAt.Format("02/01/2006"), title)
		}
	}
	t.print(e.stdout)
	return nil
}

// openArchiveFromEnv opens the archive named by ICTINDEX_S3_*.
func openArchiveFromEnv(ctx context.Context) (*archive.Store, error) {
	cfg, err := archive.ConfigFromEnv()
	if err != nil {
		return nil, badInput(err)
	}
	st, err := archive.Open(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("kho lưu trữ %s: %w", cfg.Endpoint, err)
	}
	return st, nil
}

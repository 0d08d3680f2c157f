package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"ictindex/deploy/backup"
)

func init() {
	commands["backup"] = command{summary: "sao lưu thư mục dữ liệu của môi trường nhúng, kể cả khi ictindex dev đang chạy", run: runBackup}
	commands["restore"] = command{summary: "phục hồi một bản sao lưu vào thư mục dữ liệu mới (trống)", run: runRestore}
}

// pgDumpNote says what a backup leaves out when the users are on
// PostgreSQL.
const pgDumpNote = "Cơ sở dữ liệu người dùng ở PostgreSQL (ICTINDEX_DATABASE_URL) không nằm trong bản sao lưu này: sao lưu nó bằng pg_dump.\n" +
	"The users database on PostgreSQL (ICTINDEX_DATABASE_URL) is not in this backup: back it up with pg_dump."

// runBackup copies the data folder of `ictindex dev` into a new folder:
//
//	ictindex backup DIR [--data .data]
//
// The databases first, through SQLite (consistent while the server
// writes), then MinIO's folder with every version; see deploy/backup.
func runBackup(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", ".data", "thư mục dữ liệu cần sao lưu (của ictindex dev)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return badInput(err)
	}
	if len(pos) != 1 {
		return badInput(errors.New("cách dùng: ictindex backup THƯ_MỤC_SAO_LƯU [--data .data]"))
	}
	src, notes, err := backupSource(*data)
	if err != nil {
		return err
	}
	start := time.Now()
	m, err := backup.Take(ctx, src, pos[0])
	if err != nil {
		return backupFailure(err)
	}
	fmt.Fprintf(e.stdout, "Đã sao lưu %s vào %s trong %s: %d tệp, %s.\n", *data, pos[0], time.Since(start).Round(time.Millisecond), len(m.Files), sizeOf(m.Size()))
	printManifest(e.stdout, m)
	for _, n := range notes {
		fmt.Fprintln(e.stdout, n)
	}
	return nil
}

// backupSource is what a backup takes from the data folder: Temporal's
// and the users' databases, the demonstration signing key and MinIO's
// folder. With ICTINDEX_DATABASE_URL set the users database is the file it
// names, or, on PostgreSQL, left out (notes say so).
func backupSource(data string) (backup.Source, []string, error) {
	if fi, err := os.Stat(data); err != nil {
		return backup.Source{}, nil, badInput(fmt.Errorf("thư mục dữ liệu %s: %w", data, err))
	} else if !fi.IsDir() {
		return backup.Source{}, nil, badInput(fmt.Errorf("%s không phải thư mục (not a folder)", data))
	}
	src := backup.Source{DataDir: data, Files: []string{dataDemoKey}, MinIO: dataMinIODir, Version: programVersion(),
		Databases: []backup.Database{{Name: "temporal", Path: dataTemporalDB}}}
	users := backup.Database{Name: "users", Path: dataUsersDB, Optional: true}
	var notes []string
	switch dsn := databaseURL(""); {
	case dsn == "":
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		src.Notes = append(src.Notes, "users database on PostgreSQL (ICTINDEX_DATABASE_URL): not in this backup, use pg_dump")
		return src, append(notes, pgDumpNote), nil
	default:
		users.From = strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//")
		notes = append(notes, fmt.Sprintf("Cơ sở dữ liệu người dùng là %s (ICTINDEX_DATABASE_URL); bản sao lưu giữ nó ở %s.\n"+
			"The users database is %s (ICTINDEX_DATABASE_URL); the backup keeps it as %s.", users.From, dataUsersDB, users.From, dataUsersDB))
	}
	src.Databases = append(src.Databases, users)
	return src, notes, nil
}

// runRestore restores a backup into a new data folder:
//
//	ictindex restore DIR --data NEWDIR
func runRestore(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	data := fs.String("data", "", "thư mục dữ liệu mới, trống hoặc chưa có (bắt buộc)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return badInput(err)
	}
	if len(pos) != 1 || *data == "" {
		return badInput(errors.New("cách dùng: ictindex restore THƯ_MỤC_SAO_LƯU --data THƯ_MỤC_MỚI"))
	}
	start := time.Now()
	m, err := backup.Restore(ctx, pos[0], *data)
	if err != nil {
		return backupFailure(err)
	}
	fmt.Fprintf(e.stdout, "Đã phục hồi bản sao lưu lúc %s (%s) vào %s trong %s: %d tệp, %s.\n",
		m.Started.In(time.Local).Format("15:04:05 02/01/2006"), pos[0], *data, time.Since(start).Round(time.Millisecond), len(m.Files), sizeOf(m.Size()))
	printManifest(e.stdout, m)
	fmt.Fprintf(e.stdout, "Chạy tiếp: ictindex dev --data %s\n", *data)
	if databaseURL("") != "" {
		fmt.Fprintf(e.stdout, "ICTINDEX_DATABASE_URL đang đặt: ictindex dev sẽ dùng cơ sở dữ liệu đó, không dùng %s; bỏ biến này để dùng bản phục hồi (PostgreSQL: phục hồi bằng pg_restore).\n"+
			"ICTINDEX_DATABASE_URL is set: ictindex dev will use that database, not %[1]s; unset it to use the restored one (PostgreSQL: restore with pg_restore).\n",
			filepath.Join(*data, dataUsersDB))
	}
	return nil
}

// printManifest lists a backup's databases, MinIO copy and notes.
func printManifest(w io.Writer, m *backup.Manifest) {
	for _, db := range m.Databases {
		fmt.Fprintf(w, "  %-9s %s: %d trang × %d B, integrity_check %s\n", db.Name, db.Path, db.PageCount, db.PageSize, db.Integrity)
	}
	if mi := m.MinIO; mi != nil {
		fmt.Fprintf(w, "  %-9s %s: %d tệp, %s", "MinIO", mi.Path, mi.Files, sizeOf(mi.Bytes))
		if mi.Vanished > 0 {
			fmt.Fprintf(w, " (%d tệp MinIO xóa trong lúc chép: tải lên tạm)", mi.Vanished)
		}
		fmt.Fprintln(w)
	}
	for _, n := range m.Notes {
		fmt.Fprintln(w, "  lưu ý:", n)
	}
}

// backupFailure words the refusals of deploy/backup in both languages,
// with exit status 2 for what the user can fix.
func backupFailure(err error) error {
	var ne *backup.NotEmptyError
	var ce *backup.CorruptError
	switch {
	case errors.As(err, &ne):
		return badInput(fmt.Errorf("thư mục %s không trống (có %s); chọn một thư mục mới — %w", ne.Dir, ne.Entry, err))
	case errors.As(err, &ce):
		return badInput(fmt.Errorf("bản sao lưu hỏng, không phục hồi: tệp %s không khớp backup.json — corrupted backup, refused: %w", ce.Path, err))
	case errors.Is(err, backup.ErrIncomplete):
		return badInput(fmt.Errorf("không có backup.json: không phải bản sao lưu, hoặc bản sao lưu bị ngắt giữa chừng — %w", err))
	}
	return err
}

// programVersion is the module version and VCS revision this binary was
// built from, for the manifest.
func programVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision":
			v += " " + s.Value
		case s.Key == "vcs.modified" && s.Value == "true":
			v += " (modified)"
		}
	}
	return v
}

// sizeOf prints a byte count in MB.
func sizeOf(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/(1<<20)) }

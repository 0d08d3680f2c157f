package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"ictindex/api/store"
)

func init() {
	commands["user"] = command{summary: "quản lý người dùng trong cơ sở dữ liệu: user add | user token | user import | user list", run: runUser}
}

// runUser manages the users in the database the server uses
// (ICTINDEX_DATABASE_URL, or --db, a SQLite file by default):
//
//	ictindex user add    [--db FILE] --name NAME --role ROLE [--unit CODE]
//	ictindex user token  [--db FILE] --name NAME
//	ictindex user import [--db FILE] --file users.json
//	ictindex user list   [--db FILE]
//
// The password of "add" comes from ICTINDEX_NEW_PASSWORD or the first line
// of standard input, never from the command line (it would show in the
// process list and the shell history); for a user that exists, "add" sets
// a new password (their role stays: change roles in the browser). "token"
// prints a new API token once; only its SHA-256 is stored. "import" reads
// a users.json of the earlier versions once (hashes kept as they are).
func runUser(ctx context.Context, e *env, args []string) error {
	subs := []string{"add", "token", "import", "list"}
	if len(args) == 0 || !strings.Contains(" "+strings.Join(subs, " ")+" ", " "+args[0]+" ") {
		return badInput(errors.New("cách dùng: ictindex user add|token|import|list [--db TỆP] --name TÊN [--role VAI_TRÒ] [--unit MÃ] [--file users.json]"))
	}
	sub := args[0]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	db := fs.String("db", databaseURL("ictindex.db"), "cơ sở dữ liệu người dùng (tệp SQLite hoặc postgres://…; mặc định ICTINDEX_DATABASE_URL)")
	file := fs.String("file", "", "tệp người dùng JSON của phiên bản cũ (lệnh import; với các lệnh khác: nhập trước một lần)")
	name := fs.String("name", "", "tên đăng nhập")
	role := fs.String("role", "", "vai trò: admin, appraiser, submitter, approver, leader (lệnh add)")
	unit := fs.String("unit", "", "mã đơn vị của chuyên viên hoặc lãnh đạo đơn vị (lệnh add)")
	if pos, err := parseFlags(fs, args[1:]); err != nil || len(pos) > 0 {
		if err == nil {
			err = fmt.Errorf("đối số thừa: %v", pos)
		}
		return badInput(err)
	}
	if (sub == "add" || sub == "token") && *name == "" {
		return badInput(errors.New("thiếu --name"))
	}
	if sub == "import" && *file == "" {
		return badInput(errors.New("thiếu --file"))
	}
	users, err := store.Open(ctx, *db, store.Options{})
	if err != nil {
		return err
	}
	defer users.Close()
	if *file != "" {
		n, err := users.ImportUsersFile(ctx, *file)
		if err != nil {
			return badInput(err)
		}
		fmt.Fprintf(e.stdout, "Đã nhập %d người dùng từ %s.\n", n, *file)
	}
	const by = "dòng lệnh"
	switch sub {
	case "add":
		if !store.Role(*role).Valid() {
			return badInput(fmt.Errorf("vai trò %q không hợp lệ (admin, appraiser, submitter, approver, leader)", *role))
		}
		pw := os.Getenv("ICTINDEX_NEW_PASSWORD")
		if pw == "" {
			fmt.Fprintln(e.stderr, "Nhập mật khẩu (một dòng):")
			line, err := bufio.NewReader(e.stdin).ReadString('\n')
			if err != nil && line == "" {
				return badInput(errors.New("không đọc được mật khẩu từ đầu vào chuẩn hoặc ICTINDEX_NEW_PASSWORD"))
			}
			pw = strings.TrimRight(line, "\r\n")
		}
		_, found, err := users.Get(ctx, *name)
		if err != nil {
			return err
		}
		if found {
			err = users.SetPassword(ctx, by, *name, pw)
		} else {
			err = users.AddUser(ctx, by, *name, store.Role(*role), *unit, pw)
		}
		if err != nil {
			return badInput(err)
		}
		fmt.Fprintf(e.stdout, "Đã lưu người dùng %s (%s).\n", *name, store.RoleLabel(store.Role(*role)))
	case "token":
		token, err := users.NewToken(ctx, by, *name)
		if err != nil {
			return badInput(err)
		}
		fmt.Fprintln(e.stderr, "Mã truy cập mới (chỉ hiện một lần; gửi kèm tiêu đề Authorization: Bearer <mã>):")
		fmt.Fprintln(e.stdout, token)
	case "list":
		list, err := users.ListUsers(ctx)
		if err != nil {
			return err
		}
		for _, u := range list {
			state := ""
			if u.Disabled {
				state = " (đã khóa)"
			}
			fmt.Fprintf(e.stdout, "%-24s %-20s %s%s\n", u.Name, store.RoleLabel(u.Role), u.Unit, state)
		}
	}
	return nil
}

package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"ictindex/api"
)

func init() {
	commands["user"] = command{summary: "quản lý người dùng của máy chủ web: user add | user token", run: runUser}
}

// runUser manages the users file:
//
//	ictindex user add --file users.json --name NAME --role ROLE [--unit CODE]
//	ictindex user token --file users.json --name NAME
//
// The password of "add" comes from ICTINDEX_NEW_PASSWORD or the first line
// of standard input, never from the command line (it would show in the
// process list and the shell history). "token" prints a new API token once;
// only its SHA-256 is stored.
func runUser(_ context.Context, e *env, args []string) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "token") {
		return badInput(errors.New("cách dùng: ictindex user add|token --file users.json --name TÊN [--role VAI_TRÒ] [--unit MÃ]"))
	}
	sub := args[0]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	file := fs.String("file", "users.json", "tệp người dùng (JSON)")
	name := fs.String("name", "", "tên đăng nhập")
	role := fs.String("role", "", "vai trò: admin, appraiser, submitter, leader (lệnh add)")
	unit := fs.String("unit", "", "mã đơn vị của người nộp báo cáo (lệnh add)")
	if pos, err := parseFlags(fs, args[1:]); err != nil || len(pos) > 0 {
		if err == nil {
			err = fmt.Errorf("đối số thừa: %v", pos)
		}
		return badInput(err)
	}
	if *name == "" {
		return badInput(errors.New("thiếu --name"))
	}
	users, err := api.LoadUsers(*file)
	if err != nil {
		return badInput(err)
	}
	switch sub {
	case "add":
		if !api.Role(*role).Valid() {
			return badInput(fmt.Errorf("vai trò %q không hợp lệ (admin, appraiser, submitter, leader)", *role))
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
		if err := users.Add(*name, api.Role(*role), *unit, pw); err != nil {
			return badInput(err)
		}
		if err := users.Save(*file); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Đã lưu người dùng %s (%s) vào %s.\n", *name, *role, *file)
	case "token":
		token, err := users.NewToken(*name)
		if err != nil {
			return badInput(err)
		}
		if err := users.Save(*file); err != nil {
			return err
		}
		fmt.Fprintln(e.stderr, "Mã truy cập mới (chỉ hiện một lần; gửi kèm tiêu đề Authorization: Bearer <mã>):")
		fmt.Fprintln(e.stdout, token)
	}
	return nil
}

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/crypto/bcrypt"

	"ictindex/api/store"
)

// usersDSN is ictindex's users database: on PostgreSQL in the production
// topology, the SQLite file in dev's data folder for the embedded default.
func (s *stack) usersDSN() string {
	if s.dev != nil {
		return filepath.Join(s.dir, "dev", "ictindex.db")
	}
	return s.pgDSN("ictindex")
}

// startEmbedded starts `ictindex dev` (the embedded default: Temporal on
// SQLite, one MinIO, a worker and the API in one process, its state in
// the data folder) on the stack's ports, without its demonstration
// campaign, and waits until its API is ready. The API takes the place
// of the proxy, dev's MinIO that of the S3 endpoint.
func (s *stack) startEmbedded(ctx context.Context) error {
	s.accessKey, s.secretKey = "ictindex", "ictindex-dev-secret"
	s.dev = &proc{name: "dev", bin: s.bin.ictindex,
		args: []string{"dev", "--data", filepath.Join(s.dir, "dev"), "--addr", "127.0.0.1:" + strconv.Itoa(s.proxyPort),
			"--temporal-port", strconv.Itoa(s.temporalPort), "--minio-addr", "127.0.0.1:" + strconv.Itoa(s.s3Port), "--seed=false"},
		env: []string{"ICTINDEX_MINIO_BIN=" + s.bin.minio, "ICTINDEX_S3_ACCESS_KEY=" + s.accessKey, "ICTINDEX_S3_SECRET_KEY=" + s.secretKey},
		log: s.logPath("dev")}
	if err := os.MkdirAll(filepath.Join(s.dir, "dev"), 0o755); err != nil {
		return err
	}
	if err := s.sup.start(s.dev); err != nil {
		return err
	}
	return waitFor(ctx, "ictindex dev", 3*time.Minute, 200*time.Millisecond, func() error {
		if !s.dev.running() {
			return permanent{fmt.Errorf("it exited (see %s)", s.dev.log)}
		}
		return httpOK(fmt.Sprintf("http://127.0.0.1:%d/readyz", s.proxyPort))
	})
}

// addUsersDirect creates the users (or updates those that exist) and
// their API tokens straight in the users database, eight at a time, with the cheapest password hashes
// (nobody logs in with them): what `ictindex user add` and `user token`
// do, without two processes per user.
func (s *stack) addUsersDirect(ctx context.Context, users []user) (map[string]string, error) {
	db, err := store.Open(ctx, s.usersDSN(), store.Options{BcryptCost: bcrypt.MinCost})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return tokensOf(ctx, users, 8, func(u user) (string, error) {
		// dev's demonstration users share the staff's names: those are
		// given the role (and unit) wanted.
		_, found, err := db.Get(ctx, u.name)
		switch {
		case err == nil && found:
			err = db.UpdateUser(ctx, "diễn tập", u.name, store.Role(u.role), u.unit)
		case err == nil:
			err = db.AddUser(ctx, "diễn tập", u.name, store.Role(u.role), u.unit, randomHex(12))
		}
		if err != nil {
			return "", err
		}
		return db.NewToken(ctx, "diễn tập", u.name)
	})
}

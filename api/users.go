package api

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"

	"golang.org/x/crypto/bcrypt"
)

// Role is what a user may do.
type Role string

// Roles.
const (
	RoleAdmin     Role = "admin"     // department coordinator: opens, closes, extends
	RoleAppraiser Role = "appraiser" // department appraiser
	RoleSubmitter Role = "submitter" // a unit's staff: their own unit only
	RoleLeader    Role = "leader"    // provincial leadership: reads everything, approves and publishes
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleAppraiser, RoleSubmitter, RoleLeader}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// User is a person or script allowed in. Only hashes are stored: bcrypt
// for the password, SHA-256 for API tokens.
type User struct {
	Name         string   `json:"name"`
	Role         Role     `json:"role"`
	Unit         string   `json:"unit,omitempty"` // submitters: their unit's code
	PasswordHash string   `json:"password_hash,omitempty"`
	TokenHashes  []string `json:"token_hashes,omitempty"`
}

// Public is the user without secrets.
func (u User) Public() UserInfo { return UserInfo{Name: u.Name, Role: u.Role, Unit: u.Unit} }

// UserInfo is what the API shows of a user.
type UserInfo struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
	Unit string `json:"unit,omitempty"`
}

// Users is the users file in memory, safe for concurrent use.
type Users struct {
	mu    sync.RWMutex
	users []User
	cost  int // bcrypt cost; 0 = bcrypt.DefaultCost
}

// usersFile is the file's layout.
type usersFile struct {
	Users []User `json:"users"`
}

// NewUsers returns an empty user list.
func NewUsers() *Users { return &Users{} }

// SetBcryptCost changes the cost of hashes made from now on (tests use
// bcrypt.MinCost to stay fast).
func (u *Users) SetBcryptCost(cost int) {
	u.mu.Lock()
	u.cost = cost
	u.mu.Unlock()
}

// LoadUsers reads a users file; a missing file is an empty list.
func LoadUsers(path string) (*Users, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return NewUsers(), nil
	}
	if err != nil {
		return nil, err
	}
	var f usersFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("users file %s: %w", filepath.Base(path), err)
	}
	seen := map[string]bool{}
	for _, usr := range f.Users {
		if err := checkUser(usr.Name, usr.Role, usr.Unit); err != nil {
			return nil, fmt.Errorf("users file %s: %w", filepath.Base(path), err)
		}
		if seen[usr.Name] {
			return nil, fmt.Errorf("users file %s: user %q appears twice", filepath.Base(path), usr.Name)
		}
		seen[usr.Name] = true
	}
	return &Users{users: f.Users}, nil
}

// Save writes the users file atomically, readable by its owner only.
func (u *Users) Save(path string) error {
	u.mu.RLock()
	data, err := json.MarshalIndent(usersFile{Users: u.users}, "", "  ")
	u.mu.RUnlock()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".users-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

var (
	userNamePattern = regexp.MustCompile(`^[\p{L}\p{N}._@-]{1,64}$`)
	unitCodePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
)

// checkUser validates a user's name, role and unit.
func checkUser(name string, role Role, unit string) error {
	switch {
	case !userNamePattern.MatchString(name):
		return fmt.Errorf("tên người dùng %q không hợp lệ (chữ, số, . _ @ -, tối đa 64 ký tự)", name)
	case !role.Valid():
		return fmt.Errorf("vai trò %q không hợp lệ (admin, appraiser, submitter, leader)", role)
	case role == RoleSubmitter && !unitCodePattern.MatchString(unit):
		return fmt.Errorf("người nộp báo cáo %q cần mã đơn vị hợp lệ", name)
	case role != RoleSubmitter && unit != "":
		return fmt.Errorf("chỉ người nộp báo cáo mới gắn với một đơn vị")
	}
	return nil
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// Add creates or replaces a user with a password.
func (u *Users) Add(name string, role Role, unit, password string) error {
	if err := checkUser(name, role, unit); err != nil {
		return err
	}
	if len([]rune(password)) < MinPasswordLen {
		return fmt.Errorf("mật khẩu phải có ít nhất %d ký tự", MinPasswordLen)
	}
	if len(password) > 72 {
		return fmt.Errorf("mật khẩu dài quá 72 byte")
	}
	u.mu.RLock()
	cost := u.cost
	u.mu.RUnlock()
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	usr := User{Name: name, Role: role, Unit: unit, PasswordHash: string(hash)}
	for i := range u.users {
		if u.users[i].Name == name {
			usr.TokenHashes = u.users[i].TokenHashes
			u.users[i] = usr
			return nil
		}
	}
	u.users = append(u.users, usr)
	return nil
}

// dummyHash keeps Authenticate's timing alike for unknown users.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("ictindex-no-such-user"), bcrypt.MinCost)

// Authenticate checks a name and password.
func (u *Users) Authenticate(name, password string) (User, bool) {
	usr, ok := u.Get(name)
	if !ok || usr.PasswordHash == "" {
		_ = bcrypt.CompareHashAndPassword(dummyHash, []byte(password))
		return User{}, false
	}
	if bcrypt.CompareHashAndPassword([]byte(usr.PasswordHash), []byte(password)) != nil {
		return User{}, false
	}
	return usr, true
}

// Get returns a user by name.
func (u *Users) Get(name string) (User, bool) {
	u.mu.RLock()
	defer u.mu.RUnlock()
	for _, usr := range u.users {
		if usr.Name == name {
			return usr, true
		}
	}
	return User{}, false
}

// tokenPrefix marks ictindex API tokens, so that a leaked one is
// recognisable.
const tokenPrefix = "ictx_"

// NewToken makes a new random API token for a user and stores its
// SHA-256; the token itself is returned once and never kept.
func (u *Users) NewToken(name string) (string, error) {
	token := tokenPrefix + rand.Text() + rand.Text()
	sum := tokenHash(token)
	u.mu.Lock()
	defer u.mu.Unlock()
	for i := range u.users {
		if u.users[i].Name == name {
			u.users[i].TokenHashes = append(u.users[i].TokenHashes, sum)
			return token, nil
		}
	}
	return "", fmt.Errorf("không có người dùng %q", name)
}

// ByToken finds the user an API token belongs to.
func (u *Users) ByToken(token string) (User, bool) {
	sum := tokenHash(token)
	u.mu.RLock()
	defer u.mu.RUnlock()
	for _, usr := range u.users {
		for _, h := range usr.TokenHashes {
			if subtle.ConstantTimeCompare([]byte(h), []byte(sum)) == 1 {
				return usr, true
			}
		}
	}
	return User{}, false
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

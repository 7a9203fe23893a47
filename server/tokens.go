package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/wtalign/wtalign/api"
	"github.com/wtalign/wtalign/manifest"
)

// Token is one entry of the tokens file. The file holds the SHA-256 of
// each bearer token, never the token itself, and the token's webhook
// signing secret (which the server needs in clear to sign).
type Token struct {
	Name  string   `yaml:"name"`
	Role  api.Role `yaml:"role"`
	Owner string   `yaml:"owner,omitempty"` // whose jobs it sees and submits as (default: Name)
	// SHA256 is the hex SHA-256 of the bearer token.
	SHA256        string `yaml:"sha256"`
	WebhookSecret string `yaml:"webhook-secret"`
}

type tokenFile struct {
	Tokens []Token `yaml:"tokens"`
}

// Tokens is a loaded tokens file, looked up by token hash.
type Tokens struct {
	byHash map[string]*Token
	list   []Token
}

// TokenPrefix starts every bearer token, so a leaked one is recognisable
// (secret scanners) and a malformed header is told apart from a wrong token.
const TokenPrefix = "wta_"

// ValidTokenName says whether name can name a token (or an owner):
// letters, digits, '.', '_' and '-', at most 64, not starting with '.' or '-'.
func ValidTokenName(name string) bool { return validName(name) }

// HashToken is the hex SHA-256 the tokens file stores for token.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// LoadTokens reads and checks a tokens file. A missing file is an error:
// a server without tokens could serve nobody.
func LoadTokens(path string) (*Tokens, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- the tokens file the operator configured
	if err != nil {
		return nil, fmt.Errorf("server: tokens file: %w (create one with 'wtalign serve token add NAME --role submit')", err)
	}
	var tf tokenFile
	if err := decodeStrict(path, b, &tf); err != nil {
		return nil, err
	}
	return newTokens(path, tf.Tokens)
}

func newTokens(path string, list []Token) (*Tokens, error) {
	t := &Tokens{byHash: map[string]*Token{}, list: list}
	names := map[string]bool{}
	for i := range t.list {
		tok := &t.list[i]
		bad := func(format string, args ...any) error {
			return &ConfigError{File: path, Msg: fmt.Sprintf("token %d (%q): ", i+1, tok.Name) + fmt.Sprintf(format, args...)}
		}
		if !validName(tok.Name) {
			return nil, bad("name: letters, digits, '.', '_' and '-', at most 64")
		}
		if names[tok.Name] {
			return nil, bad("name given twice")
		}
		names[tok.Name] = true
		if !tok.Role.Allows(api.RoleRead) {
			return nil, bad("role %q: want read, submit or admin", tok.Role)
		}
		if tok.Owner == "" {
			tok.Owner = tok.Name
		}
		if !validName(tok.Owner) {
			return nil, bad("owner %q: letters, digits, '.', '_' and '-'", tok.Owner)
		}
		h := strings.ToLower(tok.SHA256)
		if len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
			return nil, bad("sha256: want the 64 hex digits of the token's SHA-256 (the token itself is never stored)")
		}
		if _, dup := t.byHash[h]; dup {
			return nil, bad("sha256 equals another token's")
		}
		if len(tok.WebhookSecret) < 16 {
			return nil, bad("webhook-secret: want at least 16 characters")
		}
		tok.SHA256 = h
		t.byHash[h] = tok
	}
	return t, nil
}

// Lookup finds the token whose hash is that of bearer.
func (t *Tokens) Lookup(bearer string) (*Token, bool) {
	tok, ok := t.byHash[HashToken(bearer)]
	return tok, ok
}

// Len is the number of tokens.
func (t *Tokens) Len() int { return len(t.list) }

// List lists the tokens with their roles and owners.
func (t *Tokens) List() []Token {
	out := make([]Token, len(t.list))
	for i, tok := range t.list {
		tok.SHA256, tok.WebhookSecret = "", ""
		out[i] = tok
	}
	return out
}

// NewSecret returns a random secret: prefix and 32 random bytes, URL-safe.
func NewSecret(prefix string) (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("server: random: %w", err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// AddToken creates a token NAME with role (and owner, default NAME) in
// the tokens file at path, creating the file (mode 0600) if needed, and
// returns the bearer token and webhook secret: the only time the token
// exists in clear.
func AddToken(path, name string, role api.Role, owner string) (token, webhookSecret string, err error) {
	var list []Token
	if old, err := LoadTokens(path); err == nil {
		list = old.list
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", "", err
	}
	for _, t := range list {
		if t.Name == name {
			return "", "", fmt.Errorf("server: token %q exists in %s (remove it first)", name, path)
		}
	}
	if token, err = NewSecret(TokenPrefix); err != nil {
		return "", "", err
	}
	if webhookSecret, err = NewSecret("whs_"); err != nil {
		return "", "", err
	}
	list = append(list, Token{Name: name, Role: role, Owner: owner, SHA256: HashToken(token), WebhookSecret: webhookSecret})
	if err := writeTokens(path, list); err != nil {
		return "", "", err
	}
	return token, webhookSecret, nil
}

// RemoveToken deletes the token NAME from the tokens file.
func RemoveToken(path, name string) error {
	t, err := LoadTokens(path)
	if err != nil {
		return err
	}
	var keep []Token
	for _, tok := range t.list {
		if tok.Name != name {
			keep = append(keep, tok)
		}
	}
	if len(keep) == len(t.list) {
		return fmt.Errorf("server: no token %q in %s", name, path)
	}
	return writeTokens(path, keep)
}

func writeTokens(path string, list []Token) error {
	if _, err := newTokens(path, list); err != nil {
		return err
	}
	for i := range list {
		if list[i].Owner == list[i].Name {
			list[i].Owner = "" // the default, left implicit
		}
	}
	b, err := yaml.Marshal(tokenFile{Tokens: list})
	if err != nil {
		return fmt.Errorf("server: tokens file: %w", err)
	}
	head := "# wtalign serve tokens: the SHA-256 of each bearer token (never the token) and its\n" +
		"# webhook signing secret. Keep this file private (mode 0600). Edit with\n" +
		"# 'wtalign serve token add|remove'; a running server rereads it on SIGHUP.\n"
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("server: tokens file: %w", err)
	}
	if err := writePrivate(path, append([]byte(head), b...)); err != nil {
		return fmt.Errorf("server: tokens file: %w", err)
	}
	return nil
}

// writePrivate replaces path atomically with data, mode 0600 from the
// start (manifest.WriteFileAtomic makes files world-readable, right for
// manifests, not for secrets).
func writePrivate(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp) // #nosec G104 -- error path: best-effort removal of the temporary file; the write error is the one returned
		return err
	}
	return manifest.SyncDir(filepath.Dir(path))
}

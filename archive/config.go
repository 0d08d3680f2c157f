package archive

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/minio/minio-go/v7/pkg/s3utils"
)

// Defaults applied to empty Config fields.
const (
	DefaultEvidenceBucket   = "ictindex-evidence"
	DefaultDocumentBucket   = "ictindex-documents"
	DefaultMaxEvidenceBytes = 25 << 20 // 25 MiB
	DefaultRetentionDays    = 3650     // ten years
	DefaultRetentionMode    = "COMPLIANCE"

	// maxObjectBytes caps MaxEvidenceBytes: evidence is finalised with a
	// single server-side copy, which S3 allows up to 5 GiB.
	maxObjectBytes = 5 << 30
)

// Config says where the archive lives and how it behaves. Zero fields take
// the defaults above.
type Config struct {
	// Endpoint is the S3 server as host:port, without scheme.
	Endpoint string
	// AccessKey and SecretKey are the S3 credentials.
	AccessKey, SecretKey string
	// UseSSL selects https.
	UseSSL bool
	// EvidenceBucket holds uploaded evidence (versioned).
	EvidenceBucket string
	// DocumentBucket holds generated documents (versioned, object lock).
	DocumentBucket string
	// MaxEvidenceBytes is the largest evidence file accepted.
	MaxEvidenceBytes int64
	// RetentionDays is how long a locked document cannot be changed.
	RetentionDays int
	// RetentionMode is "COMPLIANCE" (nobody can shorten or remove the lock)
	// or "GOVERNANCE" (users with a special permission can).
	RetentionMode string
}

// Environment variables read by ConfigFromEnv.
const (
	EnvEndpoint         = "ICTINDEX_S3_ENDPOINT"
	EnvAccessKey        = "ICTINDEX_S3_ACCESS_KEY"
	EnvSecretKey        = "ICTINDEX_S3_SECRET_KEY"
	EnvSSL              = "ICTINDEX_S3_SSL"
	EnvEvidenceBucket   = "ICTINDEX_EVIDENCE_BUCKET"
	EnvDocumentBucket   = "ICTINDEX_DOCUMENT_BUCKET"
	EnvRetentionDays    = "ICTINDEX_RETENTION_DAYS"
	EnvRetentionMode    = "ICTINDEX_RETENTION_MODE"
	EnvMaxEvidenceBytes = "ICTINDEX_EVIDENCE_MAX_BYTES"
)

// ConfigFromEnv reads the configuration from the ICTINDEX_S3_* and related
// environment variables (see the Env constants), with defaults for what is
// unset. An endpoint given as a URL ("https://s3.example:9000") sets UseSSL
// from its scheme unless ICTINDEX_S3_SSL says otherwise. The error names
// the variable that cannot be parsed; call Validate for the rest.
func ConfigFromEnv() (Config, error) {
	c := Config{
		Endpoint:       strings.TrimSpace(os.Getenv(EnvEndpoint)),
		AccessKey:      os.Getenv(EnvAccessKey),
		SecretKey:      os.Getenv(EnvSecretKey),
		EvidenceBucket: strings.TrimSpace(os.Getenv(EnvEvidenceBucket)),
		DocumentBucket: strings.TrimSpace(os.Getenv(EnvDocumentBucket)),
		RetentionMode:  strings.ToUpper(strings.TrimSpace(os.Getenv(EnvRetentionMode))),
	}
	if rest, ok := strings.CutPrefix(c.Endpoint, "https://"); ok {
		c.Endpoint, c.UseSSL = rest, true
	} else if rest, ok := strings.CutPrefix(c.Endpoint, "http://"); ok {
		c.Endpoint = rest
	}
	c.Endpoint = strings.TrimSuffix(c.Endpoint, "/")
	if v := strings.TrimSpace(os.Getenv(EnvSSL)); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("archive: %s=%q is not a boolean (true/false)", EnvSSL, v)
		}
		c.UseSSL = b
	}
	if v := strings.TrimSpace(os.Getenv(EnvRetentionDays)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return c, fmt.Errorf("archive: %s=%q is not a whole number of days", EnvRetentionDays, v)
		}
		c.RetentionDays = n
	}
	if v := strings.TrimSpace(os.Getenv(EnvMaxEvidenceBytes)); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return c, fmt.Errorf("archive: %s=%q is not a number of bytes", EnvMaxEvidenceBytes, v)
		}
		c.MaxEvidenceBytes = n
	}
	return c.withDefaults(), nil
}

// withDefaults fills empty fields.
func (c Config) withDefaults() Config {
	if c.EvidenceBucket == "" {
		c.EvidenceBucket = DefaultEvidenceBucket
	}
	if c.DocumentBucket == "" {
		c.DocumentBucket = DefaultDocumentBucket
	}
	if c.MaxEvidenceBytes == 0 {
		c.MaxEvidenceBytes = DefaultMaxEvidenceBytes
	}
	if c.RetentionDays == 0 {
		c.RetentionDays = DefaultRetentionDays
	}
	if c.RetentionMode == "" {
		c.RetentionMode = DefaultRetentionMode
	}
	return c
}

// Validate reports the first bad setting, naming both the field and its
// environment variable. Empty fields that have defaults are fine.
func (c Config) Validate() error {
	c = c.withDefaults()
	bad := func(field, env, format string, args ...any) error {
		return fmt.Errorf("archive: bad setting %s (%s): %s", field, env, fmt.Sprintf(format, args...))
	}
	switch {
	case c.Endpoint == "":
		return bad("Endpoint", EnvEndpoint, "empty; want host:port of the S3 server")
	case strings.Contains(c.Endpoint, "://") || strings.Contains(c.Endpoint, "/"):
		return bad("Endpoint", EnvEndpoint, "%q must be host:port, without scheme or path", c.Endpoint)
	case c.AccessKey == "":
		return bad("AccessKey", EnvAccessKey, "empty")
	case c.SecretKey == "":
		return bad("SecretKey", EnvSecretKey, "empty")
	}
	if err := s3utils.CheckValidBucketNameStrict(c.EvidenceBucket); err != nil {
		return bad("EvidenceBucket", EnvEvidenceBucket, "%q: %v", c.EvidenceBucket, err)
	}
	if err := s3utils.CheckValidBucketNameStrict(c.DocumentBucket); err != nil {
		return bad("DocumentBucket", EnvDocumentBucket, "%q: %v", c.DocumentBucket, err)
	}
	if c.EvidenceBucket == c.DocumentBucket {
		return bad("DocumentBucket", EnvDocumentBucket, "%q is also the evidence bucket; they must differ (only documents are locked)", c.DocumentBucket)
	}
	if c.MaxEvidenceBytes < 1 || c.MaxEvidenceBytes > maxObjectBytes {
		return bad("MaxEvidenceBytes", EnvMaxEvidenceBytes, "%d; want 1 byte to 5 GiB", c.MaxEvidenceBytes)
	}
	if c.RetentionDays < 1 || c.RetentionDays > 36500 {
		return bad("RetentionDays", EnvRetentionDays, "%d; want 1 to 36500", c.RetentionDays)
	}
	if c.RetentionMode != "COMPLIANCE" && c.RetentionMode != "GOVERNANCE" {
		return bad("RetentionMode", EnvRetentionMode, "%q; want COMPLIANCE or GOVERNANCE", c.RetentionMode)
	}
	return nil
}

// errNoVersioning reports a bucket whose objects carry no version id.
var errNoVersioning = errors.New("archive: bucket does not keep versions")

package archive

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/lifecycle"
)

// Store is the archive: evidence and documents on one S3 server. It is safe
// for concurrent use.
type Store struct {
	cfg    Config
	client *minio.Client
}

// stagingPrefix holds uploads in progress inside the evidence bucket; an
// upload is copied to its real key only once it has been accepted whole. A
// lifecycle rule removes what a crash leaves there after a day.
const stagingPrefix = "incoming/"

// Open connects to the S3 server and makes sure both buckets exist:
// the evidence bucket with versioning, the document bucket with object lock
// (which implies versioning). It is idempotent: existing buckets are checked
// and kept. A document bucket created earlier without object lock is an
// error, since lock cannot be reliably added afterwards.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.UseSSL,
	})
	if err != nil {
		return nil, fmt.Errorf("archive: S3 client for %s: %w", cfg.Endpoint, err)
	}
	s := &Store{cfg: cfg, client: client}
	if err := s.waitInitialized(ctx); err != nil {
		return nil, err
	}
	if err := s.ensureBucket(ctx, cfg.EvidenceBucket, false); err != nil {
		return nil, err
	}
	if err := s.ensureStagingLifecycle(ctx); err != nil {
		return nil, err
	}
	if err := s.ensureBucket(ctx, cfg.DocumentBucket, true); err != nil {
		return nil, err
	}
	return s, nil
}

// Config returns the configuration in use, defaults filled in.
func (s *Store) Config() Config { return s.cfg }

// Ping checks that the server answers and the evidence bucket is there;
// for readiness probes. Without a deadline on ctx it gives up after 5 s.
func (s *Store) Ping(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		// Without a deadline minio-go would retry for a long while.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
	}
	ok, err := s.client.BucketExists(ctx, s.cfg.EvidenceBucket)
	if err != nil {
		return fmt.Errorf("archive: ping %s: %w", s.cfg.Endpoint, err)
	}
	if !ok {
		return fmt.Errorf("archive: ping %s: bucket %s is missing", s.cfg.Endpoint, s.cfg.EvidenceBucket)
	}
	return nil
}

// waitInitialized waits (up to 30 s, or ctx) while the server says it is
// still starting (a MinIO that was just launched), so that the application
// and its object store can start together.
func (s *Store) waitInitialized(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		_, err := s.client.BucketExists(ctx, s.cfg.EvidenceBucket)
		if err == nil || minio.ToErrorResponse(err).Code != "XMinioServerNotInitialized" {
			return nil // other errors are reported by the next step
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("archive: %s is still initialising: %w", s.cfg.Endpoint, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (s *Store) ensureBucket(ctx context.Context, bucket string, locking bool) error {
	exists, err := s.client.BucketExists(ctx, bucket)
	if err != nil {
		return fmt.Errorf("archive: check bucket %s on %s: %w", bucket, s.cfg.Endpoint, err)
	}
	if !exists {
		err := s.client.MakeBucket(ctx, bucket, minio.MakeBucketOptions{ObjectLocking: locking})
		if err != nil {
			code := minio.ToErrorResponse(err).Code
			if code != "BucketAlreadyOwnedByYou" && code != "BucketAlreadyExists" {
				return fmt.Errorf("archive: create bucket %s: %w", bucket, err)
			}
		}
	}
	if locking {
		enabled, _, _, _, err := s.client.GetObjectLockConfig(ctx, bucket)
		if err != nil || enabled != "Enabled" {
			return fmt.Errorf("archive: bucket %s exists without object lock; locked documents need a bucket created with object lock (choose another %s): %v",
				bucket, EnvDocumentBucket, err)
		}
	}
	vc, err := s.client.GetBucketVersioning(ctx, bucket)
	if err != nil {
		return fmt.Errorf("archive: versioning of bucket %s: %w", bucket, err)
	}
	if !vc.Enabled() {
		if err := s.client.EnableVersioning(ctx, bucket); err != nil {
			return fmt.Errorf("archive: enable versioning on bucket %s: %w", bucket, err)
		}
	}
	return nil
}

const stagingRuleID = "ictindex-incoming-cleanup"

// ensureStagingLifecycle adds (once) the rule that expires abandoned
// uploads under stagingPrefix, keeping any rules an operator has set.
func (s *Store) ensureStagingLifecycle(ctx context.Context) error {
	bucket := s.cfg.EvidenceBucket
	cfg, err := s.client.GetBucketLifecycle(ctx, bucket)
	if err != nil {
		if minio.ToErrorResponse(err).Code != "NoSuchLifecycleConfiguration" {
			return fmt.Errorf("archive: lifecycle of bucket %s: %w", bucket, err)
		}
		cfg = lifecycle.NewConfiguration()
	}
	for _, r := range cfg.Rules {
		if r.ID == stagingRuleID {
			return nil
		}
	}
	cfg.Rules = append(cfg.Rules, lifecycle.Rule{
		ID:                             stagingRuleID,
		Status:                         "Enabled",
		RuleFilter:                     lifecycle.Filter{Prefix: stagingPrefix},
		Expiration:                     lifecycle.Expiration{Days: 1},
		NoncurrentVersionExpiration:    lifecycle.NoncurrentVersionExpiration{NoncurrentDays: 1},
		AbortIncompleteMultipartUpload: lifecycle.AbortIncompleteMultipartUpload{DaysAfterInitiation: 1},
	})
	if err := s.client.SetBucketLifecycle(ctx, bucket, cfg); err != nil {
		return fmt.Errorf("archive: set lifecycle on bucket %s: %w", bucket, err)
	}
	return nil
}

// User metadata keys (stored as X-Amz-Meta-Ictindex-…). Free text is
// percent-encoded so that non-ASCII names survive HTTP headers.
const (
	metaSHA256    = "Ictindex-Sha256"
	metaUploader  = "Ictindex-Uploader"
	metaYear      = "Ictindex-Year"
	metaUnit      = "Ictindex-Unit"
	metaCriterion = "Ictindex-Criterion"
	metaName      = "Ictindex-Original-Name"
)

func escapeMeta(s string) string { return url.QueryEscape(s) }

func unescapeMeta(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// meta looks up a user metadata value whatever case the server returned
// its key in.
func meta(info minio.ObjectInfo, key string) string {
	if v, ok := info.UserMetadata[key]; ok {
		return v
	}
	for k, v := range info.UserMetadata {
		if strings.EqualFold(k, key) || strings.EqualFold(k, "X-Amz-Meta-"+key) {
			return v
		}
	}
	return ""
}

// isNotFound reports errors meaning the object or version does not exist
// (including a delete marker in its place).
func isNotFound(err error) bool {
	r := minio.ToErrorResponse(err)
	switch r.Code {
	case "NoSuchKey", "NoSuchVersion", "NoSuchObject":
		return true
	}
	return r.StatusCode == http.StatusNotFound
}

// cleanupContext gives a clean-up step its own short deadline, so that a
// cancelled request still removes what it staged.
func cleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
}

package archive

import (
	"strings"
	"testing"
)

func TestConfigFromEnv(t *testing.T) {
	t.Setenv(EnvEndpoint, "https://s3.example.vn:9000/")
	t.Setenv(EnvAccessKey, "ak")
	t.Setenv(EnvSecretKey, "sk")
	t.Setenv(EnvRetentionDays, "30")
	t.Setenv(EnvEvidenceBucket, "")
	c, err := ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if c.Endpoint != "s3.example.vn:9000" || !c.UseSSL || c.RetentionDays != 30 ||
		c.EvidenceBucket != DefaultEvidenceBucket || c.DocumentBucket != DefaultDocumentBucket ||
		c.MaxEvidenceBytes != DefaultMaxEvidenceBytes || c.RetentionMode != "COMPLIANCE" {
		t.Fatalf("%+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}

	t.Setenv(EnvSSL, "maybe")
	if _, err := ConfigFromEnv(); err == nil || !strings.Contains(err.Error(), EnvSSL) {
		t.Fatalf("bad SSL: %v", err)
	}
	t.Setenv(EnvSSL, "false")
	t.Setenv(EnvRetentionDays, "ten")
	if _, err := ConfigFromEnv(); err == nil || !strings.Contains(err.Error(), EnvRetentionDays) {
		t.Fatalf("bad days: %v", err)
	}
}

func TestValidateNamesTheSetting(t *testing.T) {
	good := Config{Endpoint: "127.0.0.1:9000", AccessKey: "a", SecretKey: "b"}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		mutate func(*Config)
		want   string
	}{
		{func(c *Config) { c.Endpoint = "" }, EnvEndpoint},
		{func(c *Config) { c.Endpoint = "http://x:9000" }, EnvEndpoint},
		{func(c *Config) { c.AccessKey = "" }, EnvAccessKey},
		{func(c *Config) { c.SecretKey = "" }, EnvSecretKey},
		{func(c *Config) { c.EvidenceBucket = "Bad_Bucket" }, EnvEvidenceBucket},
		{func(c *Config) { c.DocumentBucket = "x" }, EnvDocumentBucket},
		{func(c *Config) { c.DocumentBucket = DefaultEvidenceBucket }, EnvDocumentBucket},
		{func(c *Config) { c.MaxEvidenceBytes = -1 }, EnvMaxEvidenceBytes},
		{func(c *Config) { c.RetentionDays = -5 }, EnvRetentionDays},
		{func(c *Config) { c.RetentionMode = "FOREVER" }, EnvRetentionMode},
	} {
		c := good
		tc.mutate(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: err = %v, want it to name %s", c, err, tc.want)
		}
	}
}

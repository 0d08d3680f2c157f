package api

import (
	"crypto/rand"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.temporal.io/sdk/client"
	"gopkg.in/yaml.v3"

	"ictindex/archive"
)

// TestOpenAPIMatchesRoutes keeps api/openapi.yaml true: every registered
// route is described with the same method, and every described path is
// registered.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string                    `yaml:"openapi"`
		Paths   map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0") {
		t.Errorf("openapi %q, want 3.0.x", doc.OpenAPI)
	}
	param := regexp.MustCompile(`\{([^}]+)\}`)
	described := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			described[strings.ToUpper(method)+" "+param.ReplaceAllString(path, ":$1")] = true
		}
	}
	s, err := New(Config{SessionKey: []byte(rand.Text() + rand.Text())[:32]}, Deps{Temporal: fakeClient{}, Store: fakeStore, Users: &Users{}})
	if err != nil {
		t.Fatal(err)
	}
	registered := map[string]bool{}
	for _, r := range s.engine.Routes() {
		registered[r.Method+" "+r.Path] = true
	}
	for k := range registered {
		if !described[k] {
			t.Errorf("route %s is not in openapi.yaml", k)
		}
	}
	for k := range described {
		if !registered[k] {
			t.Errorf("openapi.yaml describes %s, which is not registered", k)
		}
	}
	// The access matrix covers every authenticated route.
	public := []string{"GET /healthz", "GET /readyz", "GET /metrics", "GET /api/openapi.yaml", "POST /api/login"}
	inMatrix := map[string]bool{}
	for _, r := range matrix(2000) {
		p := strings.NewReplacer("{year}", ":year", "{code}", ":code", "/objections/1/evidence/0", "/objections/:id/evidence/:n", "/evidence/0", "/evidence/:n", "/issuances/1/", "/issuances/:index/", "/objections/1/", "/objections/:id/", "PL01.xlsx", ":form").Replace(r.path)
		inMatrix[r.method+" "+p] = true
	}
	var missing []string
	for k := range registered {
		if !inMatrix[k] && !slices.Contains(public, k) {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("routes missing from the access matrix: %v", missing)
	}
}

// fakeClient and fakeStore let New build the routes without a stack; no
// request reaches them.
type fakeClient struct{ client.Client }

var fakeStore = &archive.Store{}

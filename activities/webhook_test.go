package activities_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"ictindex/activities"
)

// newWebhook serves a webhook on loopback that hands each notice to fn and
// answers with the status.
func newWebhook(t *testing.T, fn func(activities.Notice), status int) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n activities.Notice
		if err := json.NewDecoder(r.Body).Decode(&n); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		fn(n)
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

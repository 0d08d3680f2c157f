package activities

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// Notifier delivers notices: reminders before the deadline, revision
// requests, publication.
type Notifier interface {
	Notify(ctx context.Context, n Notice) error
}

// LogNotifier writes notices to a structured log.
type LogNotifier struct {
	Log *slog.Logger
}

// Notify logs the notice.
func (l LogNotifier) Notify(_ context.Context, n Notice) error {
	log := l.Log
	if log == nil {
		log = slog.Default()
	}
	log.Info("thông báo", "kind", n.Kind, "year", n.Year, "unit", n.Unit, "subject", n.Subject, "body", n.Body)
	return nil
}

// WebhookNotifier posts each notice as JSON to a URL (a mail or chat
// gateway of the department's choosing).
type WebhookNotifier struct {
	URL    string
	Client *http.Client
}

// Notify posts the notice; any status other than 2xx is an error, so the
// activity retries.
func (w WebhookNotifier) Notify(ctx context.Context, n Notice) error {
	body, err := json.Marshal(n)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook %s answered %s", w.URL, resp.Status)
	}
	return nil
}

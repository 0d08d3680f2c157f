package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"ictindex/activities"
	"ictindex/api/store"
)

// notifierFromEnv says how notices leave: by e-mail when ICTINDEX_SMTP_HOST
// is set (recipients and the delivery log in the users database, which
// users opens), else as a webhook when ICTINDEX_WEBHOOK_URL is set, else
// to the log. roster reads the campaigns' rosters (nil: the registry's
// active units). A bad ICTINDEX_SMTP_* value stops the start.
func notifierFromEnv(ctx context.Context, log *slog.Logger, roster activities.Archive, users func(context.Context) (*store.Store, error)) (activities.Notifier, error) {
	cfg, ok, err := activities.SMTPConfigFromEnv()
	if err != nil {
		return nil, badInput(fmt.Errorf("cấu hình thư điện tử: %w", err))
	}
	if !ok {
		if url := os.Getenv("ICTINDEX_WEBHOOK_URL"); url != "" {
			return activities.WebhookNotifier{URL: url}, nil
		}
		return activities.LogNotifier{Log: log}, nil
	}
	if os.Getenv("ICTINDEX_WEBHOOK_URL") != "" {
		log.Warn("ICTINDEX_SMTP_HOST and ICTINDEX_WEBHOOK_URL are both set: notices go by e-mail, the webhook is not used")
	}
	st, err := users(ctx)
	if err != nil {
		return nil, err
	}
	ms := mailStore{st}
	m, err := activities.NewMailer(cfg, ms, ms, roster, log)
	if err != nil {
		return nil, badInput(fmt.Errorf("cấu hình thư điện tử: %w", err))
	}
	log.Info("notices by e-mail", "smtp", cfg.Masked())
	return m, nil
}

// checkMailEnv refuses bad ICTINDEX_SMTP_* values before anything starts.
func checkMailEnv() error {
	if _, _, err := activities.SMTPConfigFromEnv(); err != nil {
		return badInput(fmt.Errorf("cấu hình thư điện tử: %w", err))
	}
	return nil
}

// mailStore is the users database as the mailer's directory and delivery
// log.
type mailStore struct{ st *store.Store }

func (m mailStore) UnitAddresses(ctx context.Context, units []string) (map[string][]string, error) {
	return m.st.UnitAddresses(ctx, units)
}

func (m mailStore) DepartmentAddresses(ctx context.Context) ([]string, error) {
	return m.st.DepartmentAddresses(ctx)
}

func (m mailStore) RecordDeliveries(ctx context.Context, ds []activities.Delivery) error {
	out := make([]store.NoticeDelivery, len(ds))
	for i, d := range ds {
		out[i] = store.NoticeDelivery(d)
	}
	return m.st.RecordDeliveries(ctx, out)
}

func (m mailStore) Delivered(ctx context.Context, notice string) (map[string]bool, error) {
	return m.st.Delivered(ctx, notice)
}

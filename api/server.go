package api

import (
	"errors"
	"github.com/prometheus/client_golang/prometheus"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"ictindex/activities"
	"ictindex/archive"
	"ictindex/templates"
)

// Config is the server's behaviour.
type Config struct {
	// CookieSecure marks the session cookie Secure (serve over HTTPS).
	CookieSecure bool
	// SessionKey signs session cookies and CSRF tokens (HMAC-SHA256); 32
	// bytes. Sessions survive a restart only with the same key.
	SessionKey []byte
	// SessionTTL is how long a login lasts; default 8 hours.
	SessionTTL time.Duration
	// LoginRateLimit is how many failed logins per username and IP are
	// allowed within LoginRateWindow; default 5 per minute.
	LoginRateLimit  int
	LoginRateWindow time.Duration
	// Fanout is how many children one campaign workflow holds open at
	// once (ICTINDEX_FANOUT; 0: workflows.DefaultFanout).
	Fanout int
}

// Deps is what the server talks to.
type Deps struct {
	Temporal client.Client
	Store    *archive.Store
	Users    *Users
	Log      *slog.Logger
	// Metrics, when set, are served on /metrics beside the app's own (the
	// Temporal SDK's, see SDKMetrics).
	Metrics prometheus.Gatherer
}

// Server is the HTTP API.
type Server struct {
	cfg      Config
	temporal client.Client
	store    *archive.Store
	users    *Users
	log      *slog.Logger
	sessions *sessions
	limiter  *loginLimiter
	metrics  *metrics
	cache    *stateCache // the pages' read model
	shards   shardCache  // sharded campaigns' units and places
	sets     *templates.Library
	engine   *gin.Engine
}

// New builds the server and its routes.
func New(cfg Config, deps Deps) (*Server, error) {
	if len(cfg.SessionKey) != 32 {
		return nil, errors.New("api: SessionKey must be 32 bytes")
	}
	if deps.Temporal == nil || deps.Store == nil || deps.Users == nil {
		return nil, errors.New("api: Temporal, Store and Users are required")
	}
	if cfg.SessionTTL <= 0 {
		cfg.SessionTTL = 8 * time.Hour
	}
	if cfg.LoginRateLimit <= 0 {
		cfg.LoginRateLimit = 5
	}
	if cfg.LoginRateWindow <= 0 {
		cfg.LoginRateWindow = time.Minute
	}
	if deps.Log == nil {
		deps.Log = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, temporal: deps.Temporal, store: deps.Store, users: deps.Users, log: deps.Log,
		sessions: newSessions(cfg.SessionKey, cfg.SessionTTL, cfg.CookieSecure),
		limiter:  newLoginLimiter(cfg.LoginRateLimit, cfg.LoginRateWindow),
		metrics:  newMetrics(deps.Metrics), sets: templates.NewLibrary(activities.SetSource(deps.Store))}
	s.cache = newStateCache(s)
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.Use(s.recoverer, s.metrics.observe)
	e.HandleMethodNotAllowed = true
	e.NoRoute(func(c *gin.Context) { s.fail(c, notFound("Không có đường dẫn này")) })
	e.NoMethod(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, errorBody{Error: &Error{Code: CodeNotFound, Message: "Phương thức không được hỗ trợ"}})
	})
	s.engine = e
	s.routes()
	return s, nil
}

// Handler is the server's http.Handler.
func (s *Server) Handler() http.Handler { return s.engine }

// recoverer turns a handler panic into an internal error; no input crashes
// the process.
func (s *Server) recoverer(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			s.fail(c, errors.New("panic: "+slogValue(r)))
		}
	}()
	c.Next()
}

func slogValue(v any) string { return slog.AnyValue(v).String() }

// routes registers every route with its access rule: the role matrix is
// this table.
func (s *Server) routes() {
	e := s.engine
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", gin.WrapH(s.metrics.handler()))
	e.GET("/api/openapi.yaml", s.openAPI)
	e.POST("/api/login", s.login)

	a := e.Group("/api", s.authenticate)
	a.POST("/logout", s.logout)
	a.GET("/me", s.me)
	a.GET("/forms/:form", s.allow(anyone), s.blankForm)

	a.GET("/criteria-sets", s.allow(department), s.listCriteriaSets)
	a.POST("/criteria-sets", s.allow(adminOnly), s.importCriteriaSet)

	a.POST("/campaigns", s.allow(adminOnly), s.openCampaign)
	a.GET("/campaigns/:year", s.allow(anyone), s.campaignStatus) // submitters see their own line only
	a.POST("/campaigns/:year/close", s.allow(adminOnly), s.closeCollection)
	a.POST("/campaigns/:year/publish", s.allow(leaderOnly), s.publish)
	a.GET("/campaigns/:year/decision.pdf", s.allow(department), s.decisionPDF)
	a.GET("/campaigns/:year/draft.pdf", s.allow(department), s.draftPDF)
	a.GET("/campaigns/:year/issued.pdf", s.allow(department), s.issuedPDF)
	a.POST("/campaigns/:year/signed", s.allow(leaderOnly), s.uploadSigned)
	a.POST("/campaigns/:year/reissue", s.allow(leaderOnly), s.reissue)
	a.POST("/campaigns/:year/close-year", s.allow(adminOnly), s.closeYear)
	a.GET("/campaigns/:year/issuances/:index/decision.pdf", s.allow(department), s.issuancePDF)
	a.POST("/campaigns/:year/objections/extend", s.allow(adminOnly), s.extendObjections)
	a.POST("/campaigns/:year/objections/close", s.allow(adminOnly), s.closeObjections)
	a.POST("/campaigns/:year/objections/:id/answer", s.allow(appraisers), s.answerObjection)
	a.GET("/campaigns/:year/objections/:id/evidence/:n", s.allow(anyone), s.objectionEvidence) // a unit's users: their own unit's only
	a.GET("/campaigns/:year/results.json", s.allow(department), s.resultsJSON)
	a.GET("/campaigns/:year/results.xlsx", s.allow(department), s.resultsXLSX)
	a.GET("/campaigns/:year/notices", s.allow(department), s.noticeLog)

	u := a.Group("/campaigns/:year/units/:code")
	u.GET("", s.allow(unitReaders), s.unitState)
	u.GET("/form.xlsx", s.allow(unitReaders), s.unitForm)
	u.PUT("/figures", s.allow(unitEditors), s.saveFigures)
	u.POST("/submit", s.allow(unitSubmit), s.submitterPolicy, s.submit)
	u.POST("/hand-over", s.allow(unitEditors), s.handOver)
	u.POST("/return", s.allow(unitApprovers), s.returnToPreparer)
	u.POST("/withdraw", s.allow(unitSubmit), s.submitterPolicy, s.withdraw)
	u.POST("/take", s.allow(appraisers), s.take)
	u.POST("/import", s.allow(unitEditors), s.importForm)
	u.POST("/evidence", s.allow(unitEditors), s.uploadEvidence)
	u.POST("/objections", s.allow(unitSubmit), s.fileObjection)
	u.GET("/evidence/:n", s.allow(unitReaders), s.evidence)
	u.GET("/previous", s.allow(unitReaders), s.previous)
	u.POST("/evidence/carry", s.allow(unitEditors), s.carryEvidence)
	u.POST("/evidence/:n/confirm", s.allow(unitEditors), s.confirmEvidence)
	u.POST("/extend", s.allow(adminOnly), s.extend)
	u.POST("/revision", s.allow(appraisers), s.requestRevision)
	u.POST("/corrections", s.allow(appraisers), s.correct)
	u.POST("/quality-flags", s.allow(appraisers), s.flagQuality)
	u.POST("/free-email", s.allow(appraisers), s.flagFreeEmail)
	u.POST("/finish", s.allow(appraisers), s.finish)
}

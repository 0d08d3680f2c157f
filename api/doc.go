// Package api is ictindex's HTTP API: gin handlers over the campaign
// workflows (through the Temporal client), the evidence and document
// archive, and the criteria templates, with users, sessions, CSRF
// protection, a role matrix and one error body.
//
// Dependency rule: api imports workflows, activities (types only),
// scoring, templates and archive; none of them imports api. Handlers stay
// thin: decode, convert (collecting field errors), call, and map errors
// through the one table in errors.go.
package api

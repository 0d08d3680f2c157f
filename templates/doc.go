// Package templates holds the criteria sets of each decision and annex as
// data files embedded in the binary (sets/), loads and validates them into
// scoring.Set, reads submissions in the public submission format (JSON or
// YAML) and carries the sample province used by tests and the demo.
//
// A new year's decision needs a new data file here, not new Go code.
package templates

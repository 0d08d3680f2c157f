// Package activities holds the Temporal activities of the campaign: the
// only place with side effects inside the cycle. Each is a thin wrapper
// over scoring, the report renderer and the archive; each is idempotent,
// keyed by business IDs (year, unit code), so a retry rewrites nothing.
//
// Inputs and results are small named structs: figures, keys and hashes,
// never document bytes.
package activities

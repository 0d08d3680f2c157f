// Package archive is ictindex's evidence archive and document store on
// MinIO (any S3 server with versioning and object lock), through minio-go.
//
// Two buckets:
//
//   - the evidence bucket (versioned) holds the files agencies upload as
//     proof for a criterion, keyed year/unit/criterion/file name, e.g.
//     "2026/SNV/II.1.2/Quyet-dinh-12.pdf". Uploads stream: the content type
//     is sniffed from the first bytes (never from the extension alone),
//     the size limit is enforced and the SHA-256 computed while the bytes
//     flow to the server, so memory stays flat whatever the file size. A
//     refused or aborted upload leaves no object behind.
//   - the document bucket (versioned, object lock enabled) holds what the
//     campaign produces: the decision PDF, the results JSON. A published
//     version is locked (COMPLIANCE retention by default), so nobody, not
//     even the storage administrator, can alter or delete it before the
//     retention ends.
//
// What travels through Temporal is the small Evidence or Document record
// (key, version, size, SHA-256), never the bytes. VerifyEvidence re-reads
// a recorded version and detects tampering.
//
// Errors a user can cause wrap the sentinels ErrTooLarge, ErrType,
// ErrBadName; stored data that no longer matches its record wraps
// ErrTampered. Message gives the Vietnamese text to show for any of them.
package archive

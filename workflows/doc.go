// Package workflows models the annual campaign as Temporal workflows: a
// Campaign per report year and a Unit child per participating agency or
// district. Every user action is an Update with a validator, so bad input
// is refused before it enters history; queries give status; timers drive
// deadlines, reminders and revision deadlines; scoring, documents and the
// archive are reached only through activities.
//
// Workflow code is deterministic: time comes from workflow.Now, waiting
// from workflow timers, and scoring's pure functions are called directly
// only to validate input.
package workflows

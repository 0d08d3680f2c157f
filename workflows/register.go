package workflows

import (
	"go.temporal.io/sdk/workflow"
)

// Registry is what a worker (or a test environment) registers workflows
// with.
type Registry interface {
	RegisterWorkflowWithOptions(w any, options workflow.RegisterOptions)
}

// Register registers the campaign's workflows under their names.
func Register(r Registry) {
	r.RegisterWorkflowWithOptions(Campaign, workflow.RegisterOptions{Name: CampaignWorkflowName})
	r.RegisterWorkflowWithOptions(Unit, workflow.RegisterOptions{Name: UnitWorkflowName})
	r.RegisterWorkflowWithOptions(Shard, workflow.RegisterOptions{Name: ShardWorkflowName})
}

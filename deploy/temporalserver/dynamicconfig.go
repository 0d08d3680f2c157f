package temporalserver

import (
	"go.temporal.io/server/common/dynamicconfig"
)

// dynamicConfig holds the dynamic settings of a single-node development
// server: workflow updates on (with the asynchronous "accepted" stage),
// search attributes read straight from the database so newly registered
// ones are usable at once, a larger history cache and visibility rate than
// the defaults meant for shared clusters.
func dynamicConfig() dynamicconfig.StaticClient {
	return dynamicconfig.StaticClient{
		dynamicconfig.FrontendEnableUpdateWorkflowExecution.Key():              true,
		dynamicconfig.FrontendEnableUpdateWorkflowExecutionAsyncAccepted.Key(): true,
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key():            true,
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key():                       8192,
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key():       100,
		dynamicconfig.MaxIDLengthLimit.Key():                                   1000,
	}
}

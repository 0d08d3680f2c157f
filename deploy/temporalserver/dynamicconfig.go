package temporalserver

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"go.temporal.io/server/common/dynamicconfig"
)

// DynamicConfigEnv is the environment variable the ictindex commands read
// for Config.DynamicConfigFile.
const DynamicConfigEnv = "ICTINDEX_TEMPORAL_DYNAMIC_CONFIG"

// defaultDynamicConfig holds the dynamic settings of a single-node
// development server: workflow updates on (with the asynchronous "accepted"
// stage), search attributes read straight from the database so newly
// registered ones are usable at once, a larger history cache and visibility
// rate than the defaults meant for shared clusters.
func defaultDynamicConfig() dynamicconfig.StaticClient {
	return dynamicconfig.StaticClient{
		dynamicconfig.FrontendEnableUpdateWorkflowExecution.Key():              true,
		dynamicconfig.FrontendEnableUpdateWorkflowExecutionAsyncAccepted.Key(): true,
		dynamicconfig.ForceSearchAttributesCacheRefreshOnRead.Key():            true,
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key():                       8192,
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key():       100,
		dynamicconfig.MaxIDLengthLimit.Key():                                   1000,
	}
}

// dynamicConfig returns the defaults overridden, key by key, by the values
// of file (none when file is empty). The file is in the format of the
// server's own dynamic config files and is parsed by the server's loader:
//
//	limit.numPendingChildExecutions.error:
//	  - value: 100
//	limit.blobSize.error:
//	  - value: 1048576
//	    constraints: {namespace: ictindex}
//
// A key in the file replaces every value the defaults have for it. The
// file is read once, here, at start: editing it takes effect at the next
// start. What the loader reports as a warning (an unknown key, most likely
// a typo; a value of the wrong type; a constraint the key does not take)
// refuses the file as well as what it reports as an error: a setting
// silently ignored is worse than a server that does not start.
func dynamicConfig(file string) (dynamicconfig.StaticClient, error) {
	values := defaultDynamicConfig()
	if file == "" {
		return values, nil
	}
	contents, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("temporalserver: dynamic config file: %w", err)
	}
	loaded := dynamicconfig.LoadYamlFile(contents)
	if problems := slices.Concat(loaded.Errors, loaded.Warnings); len(problems) > 0 {
		msgs := make([]string, len(problems))
		for i, p := range problems {
			msgs[i] = p.Error()
		}
		return nil, fmt.Errorf("temporalserver: dynamic config file %s: %s", file, strings.Join(msgs, "; "))
	}
	for key, cvs := range loaded.Map {
		values[key] = cvs
	}
	return values, nil
}

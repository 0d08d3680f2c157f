// Package manifests holds the checks of the files a province deploys from
// deploy/: the container image's Dockerfile, the compose file for one server
// and the Kubernetes manifests rendered with kustomize. It has no code of its
// own; its tests decode every rendered object into its Kubernetes type and
// assert what a deployment needs (probes, resources, non-root, no inline
// secrets, matching selectors, environment variables the binary reads).
package manifests

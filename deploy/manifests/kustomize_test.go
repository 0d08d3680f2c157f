package manifests

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"sigs.k8s.io/yaml"
)

// rendered is one kustomize output, decoded.
type rendered struct {
	deployments []*appsv1.Deployment
	services    []*corev1.Service
	configMaps  []*corev1.ConfigMap
	pdbs        []*policyv1.PodDisruptionBudget
}

// kustomizations are the folders a province applies.
var kustomizations = []string{"deploy/k8s/base", "deploy/k8s/overlays/province"}

// render runs kustomize build on dir and decodes every object strictly.
func render(t *testing.T, dir string) rendered {
	t.Helper()
	bin := tool(t, "kustomize")
	cmd := exec.Command(bin, "build", filepath.Join(root, dir))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kustomize build %s: %v\n%s", dir, err, stderr.String())
	}
	r, err := decodeObjects(out)
	if err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	return r
}

// decodeObjects splits a YAML stream and decodes each document into its
// Kubernetes type, refusing unknown kinds and unknown fields.
func decodeObjects(stream []byte) (rendered, error) {
	var r rendered
	for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(stream), -1) {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		js, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			return r, fmt.Errorf("object %d: %v", i, err)
		}
		var tm metav1.TypeMeta
		if err := json.Unmarshal(js, &tm); err != nil {
			return r, fmt.Errorf("object %d: %v", i, err)
		}
		var obj any
		switch tm.APIVersion + " " + tm.Kind {
		case "apps/v1 Deployment":
			d := &appsv1.Deployment{}
			r.deployments, obj = append(r.deployments, d), d
		case "v1 Service":
			s := &corev1.Service{}
			r.services, obj = append(r.services, s), s
		case "v1 ConfigMap":
			c := &corev1.ConfigMap{}
			r.configMaps, obj = append(r.configMaps, c), c
		case "policy/v1 PodDisruptionBudget":
			p := &policyv1.PodDisruptionBudget{}
			r.pdbs, obj = append(r.pdbs, p), p
		case "v1 Secret":
			return r, fmt.Errorf("object %d is a Secret: secrets are created by the operator, never shipped", i)
		default:
			return r, fmt.Errorf("object %d: unexpected kind %q %q", i, tm.APIVersion, tm.Kind)
		}
		dec := json.NewDecoder(bytes.NewReader(js))
		dec.DisallowUnknownFields()
		if err := dec.Decode(obj); err != nil {
			return r, fmt.Errorf("object %d (%s): %v", i, tm.Kind, err)
		}
	}
	return r, nil
}

func TestDecodeRefusesUnknownKindsFieldsAndSecrets(t *testing.T) {
	for name, doc := range map[string]string{
		"kind":   "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: x}\n",
		"field":  "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {selektor: {a: b}}\n",
		"secret": "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\nstringData: {a: b}\n",
	} {
		if _, err := decodeObjects([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// component returns the Deployment whose pods carry the component label.
func component(t *testing.T, r rendered, name string) *appsv1.Deployment {
	t.Helper()
	for _, d := range r.deployments {
		if d.Spec.Template.Labels["app.kubernetes.io/component"] == name {
			return d
		}
	}
	t.Fatalf("no Deployment for component %q", name)
	return nil
}

func TestKustomizeRenders(t *testing.T) {
	for _, dir := range kustomizations {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			r := render(t, dir)
			if len(r.deployments) != 2 || len(r.pdbs) != 2 || len(r.services) != 1 || len(r.configMaps) != 1 {
				t.Fatalf("want 2 Deployments, 2 PodDisruptionBudgets, 1 Service, 1 ConfigMap; got %d, %d, %d, %d",
					len(r.deployments), len(r.pdbs), len(r.services), len(r.configMaps))
			}
			worker, web := component(t, r, "worker"), component(t, r, "web")
			checkPods(t, r)
			checkWorker(t, worker)
			checkWeb(t, web, r.services[0])
			checkSelectors(t, r)
			checkConfig(t, dir, r)
			if wi, we := worker.Spec.Template.Spec.Containers[0].Image, web.Spec.Template.Spec.Containers[0].Image; wi != we {
				t.Errorf("worker image %q differs from web image %q", wi, we)
			} else if strings.HasSuffix(wi, ":latest") || !strings.Contains(wi, ":") {
				t.Errorf("image %q has no pinned tag", wi)
			}
		})
	}
}

// checkPods asserts what every pod needs: non-root, no privilege
// escalation, requests and limits, and only known variables with no secret
// values inline.
func checkPods(t *testing.T, r rendered) {
	t.Helper()
	for _, d := range r.deployments {
		spec := d.Spec.Template.Spec
		psc := spec.SecurityContext
		for _, c := range spec.Containers {
			where := d.Name + "/" + c.Name
			nonRoot := psc != nil && psc.RunAsNonRoot != nil && *psc.RunAsNonRoot
			if c.SecurityContext != nil && c.SecurityContext.RunAsNonRoot != nil {
				nonRoot = *c.SecurityContext.RunAsNonRoot
			}
			if !nonRoot {
				t.Errorf("%s: runAsNonRoot is not true", where)
			}
			if c.SecurityContext == nil || c.SecurityContext.AllowPrivilegeEscalation == nil || *c.SecurityContext.AllowPrivilegeEscalation {
				t.Errorf("%s: allowPrivilegeEscalation is not false", where)
			}
			for _, res := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
				req, lim := c.Resources.Requests[res], c.Resources.Limits[res]
				if req.IsZero() || lim.IsZero() {
					t.Errorf("%s: %s request and limit must both be set", where, res)
				} else if req.Cmp(lim) > 0 {
					t.Errorf("%s: %s request %s above its limit %s", where, res, req.String(), lim.String())
				}
			}
			names := []string{}
			for _, e := range c.Env {
				names = append(names, e.Name)
				if e.Value != "" && secretName.MatchString(e.Name) {
					t.Errorf("%s: %s has an inline value; take it from the Secret", where, e.Name)
				}
				if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil && e.ValueFrom.SecretKeyRef.Name != secretObject {
					t.Errorf("%s: %s refers to Secret %q, not %q", where, e.Name, e.ValueFrom.SecretKeyRef.Name, secretObject)
				}
			}
			checkEnvNames(t, where, names)
			for _, ef := range c.EnvFrom {
				if ef.ConfigMapRef == nil && ef.SecretRef == nil {
					t.Errorf("%s: envFrom without a ConfigMap or Secret", where)
				}
				if ef.ConfigMapRef != nil && !hasConfigMap(r, ef.ConfigMapRef.Name) {
					t.Errorf("%s: envFrom names ConfigMap %q, which is not rendered", where, ef.ConfigMapRef.Name)
				}
			}
		}
	}
}

func hasConfigMap(r rendered, name string) bool {
	for _, c := range r.configMaps {
		if c.Name == name {
			return true
		}
	}
	return false
}

// checkWorker: the worker listens on no port, so it must not declare ports
// or network probes that could never succeed.
func checkWorker(t *testing.T, d *appsv1.Deployment) {
	t.Helper()
	c := d.Spec.Template.Spec.Containers[0]
	if len(c.Args) == 0 || c.Args[0] != "worker" {
		t.Errorf("worker container runs %v, not the worker subcommand", c.Args)
	}
	// Its one port is the metrics listener ICTINDEX_METRICS_ADDR opens.
	addr := ""
	for _, e := range c.Env {
		if e.Name == "ICTINDEX_METRICS_ADDR" {
			addr = e.Value
		}
	}
	switch {
	case addr == "" && len(c.Ports) > 0:
		t.Errorf("worker declares ports %v but ICTINDEX_METRICS_ADDR opens none", c.Ports)
	case addr != "" && (len(c.Ports) != 1 || ":"+strconv.Itoa(int(c.Ports[0].ContainerPort)) != addr):
		t.Errorf("worker ports %v do not match ICTINDEX_METRICS_ADDR %q", c.Ports, addr)
	}
	for name, p := range map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe, "startup": c.StartupProbe} {
		if p == nil {
			continue
		}
		if p.TCPSocket != nil || p.GRPC != nil || p.HTTPGet != nil && (addr == "" || p.HTTPGet.Path != "/metrics" || p.HTTPGet.Port.String() != "metrics") {
			t.Errorf("worker %s probe checks something the worker does not serve: %+v", name, p.ProbeHandler)
		}
	}
}

// serverRoutes are the paths the web server answers, from api/server.go.
func serverRoutes(t *testing.T) map[string]bool {
	t.Helper()
	routes := map[string]bool{}
	for _, m := range regexp.MustCompile(`e\.GET\("([^"]+)"`).FindAllStringSubmatch(readFile(t, "api/server.go"), -1) {
		routes[m[1]] = true
	}
	return routes
}

// checkWeb: HTTP probes on routes the server has, on the port it listens
// on, and a Service that reaches that port.
func checkWeb(t *testing.T, d *appsv1.Deployment, svc *corev1.Service) {
	t.Helper()
	c := d.Spec.Template.Spec.Containers[0]
	if len(c.Args) < 3 || c.Args[0] != "serve" || c.Args[1] != "--addr" {
		t.Fatalf("web container runs %v, want serve --addr HOST:PORT", c.Args)
	}
	host, port, ok := strings.Cut(c.Args[2], ":")
	if !ok || host == "127.0.0.1" || host == "localhost" {
		t.Errorf("web listens on %q: unreachable from other pods", c.Args[2])
	}
	named := map[string]int32{}
	for _, p := range c.Ports {
		named[p.Name] = p.ContainerPort
		if fmt.Sprint(p.ContainerPort) != port {
			t.Errorf("container port %d differs from --addr port %s", p.ContainerPort, port)
		}
	}
	routes := serverRoutes(t)
	for name, p := range map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
		if p == nil || p.HTTPGet == nil {
			t.Errorf("web has no HTTP %s probe", name)
			continue
		}
		if !routes[p.HTTPGet.Path] {
			t.Errorf("web %s probe asks %s, which the server does not serve", name, p.HTTPGet.Path)
		}
		if _, ok := named[p.HTTPGet.Port.String()]; !ok && p.HTTPGet.Port.String() != port {
			t.Errorf("web %s probe port %s is not the container's", name, p.HTTPGet.Port.String())
		}
	}
	if c.ReadinessProbe != nil && c.ReadinessProbe.HTTPGet != nil && c.ReadinessProbe.HTTPGet.Path != "/readyz" {
		t.Errorf("readiness asks %s; /readyz is the one that checks Temporal and the archive", c.ReadinessProbe.HTTPGet.Path)
	}
	if !labels.SelectorFromSet(svc.Spec.Selector).Matches(labels.Set(d.Spec.Template.Labels)) {
		t.Errorf("Service %s selects %v, not the web pods %v", svc.Name, svc.Spec.Selector, d.Spec.Template.Labels)
	}
	for _, p := range svc.Spec.Ports {
		if _, ok := named[p.TargetPort.String()]; !ok && p.TargetPort.String() != port {
			t.Errorf("Service port %s targets %s, which the web container does not expose", p.Name, p.TargetPort.String())
		}
	}
}

// checkSelectors: each Deployment selects its own pods, and each has a
// PodDisruptionBudget that selects exactly its pods.
func checkSelectors(t *testing.T, r rendered) {
	t.Helper()
	covered := map[string]int{}
	for _, d := range r.deployments {
		sel, err := metav1.LabelSelectorAsSelector(d.Spec.Selector)
		if err != nil || !sel.Matches(labels.Set(d.Spec.Template.Labels)) {
			t.Errorf("Deployment %s: selector %v does not match its pods %v (%v)", d.Name, d.Spec.Selector, d.Spec.Template.Labels, err)
		}
	}
	for _, p := range r.pdbs {
		sel, err := metav1.LabelSelectorAsSelector(p.Spec.Selector)
		if err != nil || sel.Empty() {
			t.Errorf("PodDisruptionBudget %s: bad or empty selector (%v)", p.Name, err)
			continue
		}
		n := 0
		for _, d := range r.deployments {
			if sel.Matches(labels.Set(d.Spec.Template.Labels)) {
				covered[d.Name]++
				n++
				if p.Spec.MinAvailable != nil && d.Spec.Replicas != nil && p.Spec.MinAvailable.IntValue() >= int(*d.Spec.Replicas) {
					t.Errorf("PodDisruptionBudget %s keeps %d of %d replicas of %s: no pod could ever be evicted",
						p.Name, p.Spec.MinAvailable.IntValue(), *d.Spec.Replicas, d.Name)
				}
			}
		}
		if n != 1 {
			t.Errorf("PodDisruptionBudget %s selects the pods of %d Deployments, want 1", p.Name, n)
		}
	}
	for _, d := range r.deployments {
		if covered[d.Name] != 1 {
			t.Errorf("Deployment %s is covered by %d PodDisruptionBudgets, want 1", d.Name, covered[d.Name])
		}
	}
}

// secretObject is the Secret the operator creates.
const secretObject = "ictindex"

// checkConfig: the ConfigMap holds only known, non-secret settings, and
// every key taken from the Secret is in the documented create command.
func checkConfig(t *testing.T, dir string, r rendered) {
	t.Helper()
	cm := r.configMaps[0]
	keys := []string{}
	for k := range cm.Data {
		keys = append(keys, k)
		if secretName.MatchString(k) {
			t.Errorf("ConfigMap %s holds %s, a secret", cm.Name, k)
		}
	}
	checkEnvNames(t, "ConfigMap "+cm.Name, keys)
	doc := readFile(t, "deploy/k8s/base/kustomization.yaml")
	if !strings.Contains(doc, "kubectl create secret generic "+secretObject) {
		t.Errorf("base/kustomization.yaml does not document how to create Secret %q", secretObject)
	}
	used := map[string]bool{}
	for _, d := range r.deployments {
		for _, c := range d.Spec.Template.Spec.Containers {
			for _, e := range c.Env {
				if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
					used[e.ValueFrom.SecretKeyRef.Key] = true
				}
			}
		}
	}
	for _, k := range sortedKeys(used) {
		if !strings.Contains(doc, "--from-literal="+k+"=") {
			t.Errorf("%s: Secret key %s is used but missing from the documented kubectl create secret command", dir, k)
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestTemporalChartValues: the chart runs the server version go.mod builds
// against, on PostgreSQL, with passwords from an existing Secret only.
func TestTemporalChartValues(t *testing.T) {
	var v struct {
		Server struct {
			Image  struct{ Tag string }
			Config struct {
				Persistence struct {
					Datastores map[string]struct {
						SQL map[string]any `json:"sql"`
					}
				}
				Namespaces struct {
					Create    bool
					Namespace []struct{ Name string }
				}
			}
		}
		Admintools struct {
			Image struct{ Tag string }
		}
		Web struct {
			Image struct{ Tag string }
		}
	}
	if err := yaml.Unmarshal([]byte(readFile(t, "deploy/k8s/temporal-values.yaml")), &v); err != nil {
		t.Fatal(err)
	}
	want := strings.TrimPrefix(goModVersion(t, "go.temporal.io/server"), "v")
	if v.Server.Image.Tag != want || v.Admintools.Image.Tag != want {
		t.Errorf("server %q and admin tools %q, want %s (go.mod)", v.Server.Image.Tag, v.Admintools.Image.Tag, want)
	}
	if !regexp.MustCompile(`^2\.\d+\.\d+$`).MatchString(v.Web.Image.Tag) {
		t.Errorf("web UI tag %q, want 2.x.y", v.Web.Image.Tag)
	}
	for _, name := range []string{"default", "visibility"} {
		sql := v.Server.Config.Persistence.Datastores[name].SQL
		if sql["pluginName"] != "postgres12" {
			t.Errorf("datastore %s: pluginName %v, want postgres12", name, sql["pluginName"])
		}
		if _, ok := sql["password"]; ok || sql["existingSecret"] == nil {
			t.Errorf("datastore %s: the password must come from existingSecret", name)
		}
	}
	ns := readFile(t, "deploy/k8s/overlays/province/config.yaml")
	found := false
	for _, n := range v.Server.Config.Namespaces.Namespace {
		found = found || strings.Contains(ns, "ICTINDEX_TEMPORAL_NAMESPACE: "+n.Name+"\n")
	}
	if !v.Server.Config.Namespaces.Create || !found {
		t.Error("the chart does not create the namespace the province overlay uses")
	}
}

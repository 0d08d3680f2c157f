package templates

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"

	"ictindex/scoring"
)

//go:embed sets/*.yaml
var setFiles embed.FS

// DefaultDecision is the decision whose criteria sets are used unless
// another is named.
const DefaultDecision = "3299"

var (
	cacheMu sync.Mutex
	cache   = map[string]*scoring.Set{}
)

// Load returns the validated criteria set of the default decision for an
// annex ("PL01" or "PL02"). Sets are parsed once and shared: callers must
// not modify them.
func Load(annex string) (*scoring.Set, error) {
	return LoadFile(DefaultDecision + "-" + strings.ToUpper(annex) + ".yaml")
}

// MustLoad is Load for the embedded sets, which tests prove valid.
func MustLoad(annex string) *scoring.Set {
	s, err := Load(annex)
	if err != nil {
		panic(err)
	}
	return s
}

// LoadFile returns the validated embedded set with the file name.
func LoadFile(name string) (*scoring.Set, error) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if s := cache[name]; s != nil {
		return s, nil
	}
	data, err := setFiles.ReadFile(path.Join("sets", name))
	if err != nil {
		return nil, fmt.Errorf("no criteria set %q (have %s)", name, strings.Join(Available(), ", "))
	}
	s, err := ParseSet(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	cache[name] = s
	return s, nil
}

// Available lists the embedded set files.
func Available() []string {
	entries, _ := fs.ReadDir(setFiles, "sets")
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// Annexes lists the annexes of the default decision.
func Annexes() []string { return []string{scoring.AnnexPL01, scoring.AnnexPL02} }

// ParseSet reads a criteria set from YAML (or JSON), normalises its text to
// NFC and validates it. A broken set is refused with every problem named.
func ParseSet(data []byte) (*scoring.Set, error) {
	js, err := yamlToJSON(data)
	if err != nil {
		return nil, err
	}
	var s scoring.Set
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("reading criteria set: %w", err)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// yamlToJSON converts YAML (a superset of JSON) to JSON with every string
// in NFC, keeping numbers as their literal text so no binary float is
// involved.
func yamlToJSON(data []byte) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("not valid YAML or JSON: %w", err)
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("the document is empty")
	}
	var buf bytes.Buffer
	if err := nodeJSON(&buf, root.Content[0], 0); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func nodeJSON(buf *bytes.Buffer, n *yaml.Node, depth int) error {
	if depth > 64 {
		return fmt.Errorf("line %d: nested too deeply", n.Line)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			buf.WriteString("null")
			return nil
		}
		return nodeJSON(buf, n.Content[0], depth+1)
	case yaml.AliasNode:
		return fmt.Errorf("line %d: YAML aliases are not accepted", n.Line)
	case yaml.MappingNode:
		buf.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				buf.WriteByte(',')
			}
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: keys must be plain text", k.Line)
			}
			writeString(buf, k.Value)
			buf.WriteByte(':')
			if err := nodeJSON(buf, n.Content[i+1], depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := nodeJSON(buf, c, depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			buf.WriteString("null")
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return fmt.Errorf("line %d: %w", n.Line, err)
			}
			fmt.Fprint(buf, b)
		case "!!int", "!!float":
			if json.Valid([]byte(n.Value)) {
				buf.WriteString(n.Value)
			} else {
				writeString(buf, n.Value) // 0x1F, .inf, 1_000: left for the field check to refuse
			}
		default:
			writeString(buf, n.Value)
		}
	default:
		return fmt.Errorf("line %d: unsupported YAML node", n.Line)
	}
	return nil
}

func writeString(buf *bytes.Buffer, s string) {
	b, _ := json.Marshal(norm.NFC.String(s))
	buf.Write(b)
}

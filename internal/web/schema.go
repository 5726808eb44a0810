package web

// JSON Schema building blocks for APIDoc, shared by every package's api.go so
// that each describes its bodies without its own copy of the basics. The maps
// are shared: never modify one, wrap it instead.
var (
	SchemaString   = map[string]any{"type": "string"}
	SchemaInteger  = map[string]any{"type": "integer"}
	SchemaBoolean  = map[string]any{"type": "boolean"}
	SchemaTime     = map[string]any{"type": "string", "format": "date-time"}
	SchemaNullTime = map[string]any{"type": []any{"string", "null"}, "format": "date-time"}
)

// SchemaObject is an object with props, the named ones required.
func SchemaObject(props map[string]any, required ...string) map[string]any {
	o := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

// SchemaArray is an array of items.
func SchemaArray(items map[string]any) map[string]any {
	return map[string]any{"type": "array", "items": items}
}

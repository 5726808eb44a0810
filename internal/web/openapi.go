package web

import (
	"regexp"
	"strings"
)

// APIDoc describes one API route for the OpenAPI document.
type APIDoc struct {
	Summary  string
	Tag      string
	Request  map[string]any // JSON Schema of the body, if any
	Response map[string]any // JSON Schema of the 2xx body
	Status   int            // success status, default 200
	Query    []string       // query parameter names
}

type openAPI struct{}

func newOpenAPI() *openAPI { return &openAPI{} }

var pathParam = regexp.MustCompile(`\{([a-zA-Z_]+)\.{0,3}\}`)

// document assembles OpenAPI 3.1 from the API routes actually mounted.
func (o *openAPI) document(routes []Route) map[string]any {
	paths := map[string]any{}
	for _, rt := range routes {
		if rt.Doc == nil {
			continue
		}
		p := rt.Path()
		item, _ := paths[p].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[p] = item
		}
		item[strings.ToLower(rt.Method())] = operation(rt)
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "zhijia 职工之家 API", "version": "1",
			"description": "JSON API for clients of zhijia. Errors are RFC 9457 problem+json with a field list."},
		"servers":  []any{map[string]any{"url": "/"}},
		"security": []any{map[string]any{"bearer": []any{}}},
		"paths":    paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas":         map[string]any{"Problem": problemSchema},
		},
	}
}

func operation(rt Route) map[string]any {
	d := rt.Doc
	status := d.Status
	if status == 0 {
		status = 200
	}
	op := map[string]any{
		"summary":     d.Summary,
		"operationId": operationID(rt),
		"responses": map[string]any{
			itoa(status): map[string]any{"description": "OK", "content": jsonContent(d.Response)},
			"default": map[string]any{"description": "Error",
				"content": map[string]any{"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}},
		},
	}
	if d.Tag != "" {
		op["tags"] = []any{d.Tag}
	}
	if rt.Access == Public {
		op["security"] = []any{} // no token: this is how a client gets one
	}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(rt.Path(), -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, q := range d.Query {
		params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
	}
	if params != nil {
		op["parameters"] = params
	}
	if d.Request != nil {
		op["requestBody"] = map[string]any{"required": true, "content": jsonContent(d.Request)}
	}
	return op
}

func jsonContent(schema map[string]any) map[string]any {
	if schema == nil {
		schema = map[string]any{"type": "object"}
	}
	return map[string]any{"application/json": map[string]any{"schema": schema}}
}

func operationID(rt Route) string {
	s := strings.ToLower(rt.Method()) + strings.NewReplacer("/", "_", "{", "", "}", "", "-", "_", ".", "").Replace(rt.Path())
	return strings.TrimRight(s, "_")
}

func itoa(n int) string {
	const digits = "0123456789"
	if n < 10 {
		return digits[n : n+1]
	}
	return itoa(n/10) + digits[n%10:n%10+1]
}

var problemSchema = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"type": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"},
		"status": map[string]any{"type": "integer"}, "detail": map[string]any{"type": "string"},
		"instance": map[string]any{"type": "string"}, "code": map[string]any{"type": "string"},
		"request_id": map[string]any{"type": "string"},
		"errors": map[string]any{"type": "array", "items": map[string]any{"type": "object",
			"properties": map[string]any{"field": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"}}}},
	},
	"required": []any{"type", "title", "status", "code"},
}

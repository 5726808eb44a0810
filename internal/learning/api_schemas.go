package learning

import "zhijia/internal/web"

// JSON Schemas of the worker API, for the OpenAPI document.

var (
	integer = web.SchemaInteger
	str     = web.SchemaString
	boolean = web.SchemaBoolean
	stamp   = web.SchemaTime

	itemSchema = map[string]any{"type": "object", "properties": map[string]any{
		"position": integer, "kind": map[string]any{"type": "string", "enum": []any{"single", "multiple", "judge"}}, "stem": str,
		"options": map[string]any{"type": "array", "items": str}, "given": str, "answer": str, "explanation": str, "correct": boolean}}
	attemptSchema = map[string]any{"type": "object", "properties": map[string]any{
		"id": integer, "date": str, "status": map[string]any{"type": "string", "enum": []any{"open", "submitted", "expired"}},
		"deadline": stamp, "total": integer, "correct": integer, "points": integer,
		"items": map[string]any{"type": "array", "items": itemSchema}}, "required": []any{"id", "date", "status", "items"}}
	submitSchema = map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{
		"attempt_id": integer,
		"answers": map[string]any{"type": "object", "description": "question position → option letters, e.g. {\"1\":\"A\",\"2\":\"AC\"}",
			"additionalProperties": str}}, "required": []any{"attempt_id", "answers"}}
	summarySchema = map[string]any{"type": "object", "properties": map[string]any{
		"balance": integer, "earned": integer, "streak": integer,
		"level": map[string]any{"type": "object", "properties": map[string]any{"n": integer, "name": str, "next": integer}},
		"today": map[string]any{"type": []any{"object", "null"}}}}
	pointsSchema = map[string]any{"type": "object", "properties": map[string]any{"balance": integer, "earned": integer,
		"items": map[string]any{"type": "array", "items": map[string]any{"type": "object",
			"properties": map[string]any{"amount": integer, "reason": str, "at": stamp}}}}}
	eventSchema = map[string]any{"type": "object", "properties": map[string]any{
		"id": integer, "kind": str, "title": str, "host": str, "venue": str, "place": str, "starts": stamp, "ends": stamp,
		"org": str, "signup": boolean, "points": integer, "signed_up": boolean, "checked_in": boolean}}
	listSchema  = map[string]any{"type": "object", "properties": map[string]any{"items": map[string]any{"type": "array", "items": eventSchema}}}
	photoSchema = map[string]any{"type": "object", "properties": map[string]any{"id": integer, "name": str, "type": str,
		"width": integer, "height": integer, "url": str}}
	eventPageSchema = map[string]any{"type": "object", "properties": map[string]any{"event": eventSchema, "summary": str,
		"photos": map[string]any{"type": "array", "items": photoSchema}}}
	okSchema    = map[string]any{"type": "object", "properties": map[string]any{"ok": boolean}}
	tokenSchema = map[string]any{"type": "object", "additionalProperties": false,
		"properties": map[string]any{"token": map[string]any{"type": "string", "description": "the t parameter of the scanned link"}},
		"required":   []any{"token"}}
	orderSchema = map[string]any{"type": "object", "properties": map[string]any{
		"id": integer, "reward": str, "cost": integer, "pickup_code": str, "status": str, "placed_at": stamp}}
	mallSchema = map[string]any{"type": "object", "properties": map[string]any{"balance": integer,
		"rewards": map[string]any{"type": "array", "items": map[string]any{"type": "object"}},
		"orders":  map[string]any{"type": "array", "items": orderSchema}}}
)

func idSchema(name string) map[string]any {
	return map[string]any{"type": "object", "additionalProperties": false,
		"properties": map[string]any{name: integer}, "required": []any{name}}
}

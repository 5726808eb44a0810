package audit

// Messages are the audit pages' strings.
var Messages = map[string][2]string{
	"audit.menu":          {"审计日志", "Audit log"},
	"audit.title":         {"审计日志", "Audit log"},
	"audit.filter.actor":  {"操作人", "Who"},
	"audit.filter.action": {"操作类型", "Action"},
	"audit.filter.any":    {"全部", "Any"},
	"audit.filter.org":    {"所属组织", "Organisation"},
	"audit.filter.from":   {"开始日期", "From"},
	"audit.filter.to":     {"结束日期", "To"},
	"audit.col.at":        {"时间", "Time"},
	"audit.col.actor":     {"操作人", "Who"},
	"audit.col.org":       {"所属组织", "Org"},
	"audit.col.action":    {"操作", "Action"},
	"audit.col.entity":    {"对象", "Record"},
	"audit.col.summary":   {"内容摘要", "Summary"},
	"audit.col.ip":        {"IP 地址", "IP address"},
	"audit.col.request":   {"请求编号", "Request id"},
	"audit.col.hash":      {"校验值", "Hash"},
	"audit.hint":          {"审计日志只可追加，任何修改或删除都会被 zhijia audit verify 发现", "The audit log is append-only; zhijia audit verify detects any edit or deletion"},
}

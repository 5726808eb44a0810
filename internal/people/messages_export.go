package people

// exportMessages is the full (clear, encrypted) export's part of the catalogue
// (zh-CN, en), merged by mountExportFull.
var exportMessages = map[string][2]string{
	"people.export.title":        {"完整导出（含身份证号和手机号）", "Full export (with id numbers and phones)"},
	"people.export.hint":         {"导出的工作簿含完整的身份证号和手机号，将用您设置的密码加密；打开时需输入该密码。本次导出会记入审计日志。", "The workbook holds full id numbers and phones and is encrypted with the password you set; it opens only with that password. The export is recorded in the audit log."},
	"people.export.filter":       {"导出范围（与职工名单的筛选条件相同）", "What is exported (the worker list's filter)"},
	"people.export.all":          {"您管辖范围内的全部职工", "Every worker in your scope"},
	"people.export.by_number":    {"按身份证号或手机号查找的结果", "The match for an id number or phone"},
	"people.export.password":     {"设置打开密码（至少 8 位）", "Password to open the file (at least 8 characters)"},
	"people.export.password2":    {"再次输入密码", "Type the password again"},
	"people.export.submit":       {"加密导出", "Export, encrypted"},
	"people.export.back":         {"返回职工名单", "Back to the worker list"},
	"people.export.filename":     {"职工名单（完整，已加密）", "Workers (full, encrypted)"},
	"people.export.err.summary":  {"请按提示修改后重新提交", "Correct the fields below and submit again"},
	"people.export.err.short":    {"密码太短：请至少输入 8 个字符", "The password is too short: use at least 8 characters"},
	"people.export.err.mismatch": {"两次输入的密码不一致，请重新输入", "The two passwords differ; type the same password twice"},
	"people.export.err.too_many": {"符合条件的职工超过 %d 人，请先按工会或其他条件缩小范围再导出", "More than %d workers match; narrow the list by union or another filter first"},
}

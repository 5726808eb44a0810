package people

import "fmt"

// importMessages is the roster import's part of the catalogue (zh-CN, en),
// merged by mountImport. Row reasons are rendered in Chinese for the report.
var importMessages = map[string][2]string{
	"people.import.registry_changed": {"导入期间有人登记了文件中的身份证号或手机号，本次未导入任何职工，请重新导入", "While the file was being imported someone registered one of its id numbers or phones; nothing was imported, please import again"},
	"people.import.member_invalid":   {"是否会员：请填写“是”或“否”", "Member: write 是 (yes) or 否 (no)"},
	"people.import.date_invalid":     {"入会日期：“%s”不是有效日期，请写成 2020-05-01 这样的格式", "Joined: “%s” is not a date; write it like 2020-05-01"},
	"people.import.org_missing":      {"所属工会：请填写工会全称，或在导入页面选择默认工会", "Union: write the union's full name, or choose a default union on the import page"},
	"people.import.org_unknown":      {"所属工会：找不到名为“%s”的工会，请核对全称或填写工会编号", "Union: there is no union called “%s”; check the full name or use the union's number"},
	"people.import.org_scope":        {"所属工会：“%s”不在您的管辖范围内，不能导入该工会的职工，请交由其上级工会导入", "Union: “%s” is outside your scope, so you cannot import its workers; ask a union above it to import them"},
	"people.import.menu":             {"导入职工", "Import workers"},
	"people.import.title":            {"导入职工名册", "Import a worker roster"},
	"people.import.job_title":        {"导入进度", "Import progress"},
	"people.import.step1":            {"第一步：下载模板，在 Excel 或 WPS 中填写（身份证号列已设为文本）", "Step 1: download the template and fill it in with Excel or WPS (the ID column is already text)"},
	"people.import.template":         {"下载导入模板", "Download the template"},
	"people.import.step2":            {"第二步：上传填好的 .xlsx 或 .csv 文件", "Step 2: upload the filled-in .xlsx or .csv file"},
	"people.import.file":             {"名册文件", "Roster file"},
	"people.import.default_org":      {"默认工会（“所属工会”列为空的行导入到这里）", "Default union (for rows whose 所属工会 is blank)"},
	"people.import.no_default":       {"不设默认工会（每行都填写所属工会）", "No default (every row names its union)"},
	"people.import.mode":             {"导入方式", "How to import"},
	"people.import.mode_all":         {"全部正确才导入（有任何一行出错则不导入）", "All or nothing (any wrong row and nothing is imported)"},
	"people.import.mode_valid":       {"只导入正确的行（出错的行放在错误报告中）", "Import the valid rows (wrong rows go to the error report)"},
	"people.import.submit":           {"开始导入", "Start the import"},
	"people.import.err.no_file":      {"请选择要上传的名册文件", "Choose the roster file to upload"},
	"people.import.running":          {"正在导入，请勿关闭本页……", "Importing, keep this page open…"},
	"people.import.percent":          {"已完成 %d%%", "%d%% done"},
	"people.import.done_all":         {"导入完成：导入 %d 人", "Import finished: %d workers imported"},
	"people.import.done_some":        {"导入完成：导入 %d 人，%d 行有误未导入", "Import finished: %d workers imported, %d rows refused"},
	"people.import.refused_all":      {"未导入任何数据：%d 行有误。请下载错误报告，按“错误原因”改正后重新上传", "Nothing was imported: %d rows are wrong. Download the error report, correct them as 错误原因 says, and upload again"},
	"people.import.failed":           {"导入失败，未写入任何数据", "The import failed and nothing was written"},
	"people.import.interrupted":      {"导入被中断（服务重启），未写入任何数据，请重新上传", "The import was interrupted (the service restarted); nothing was written, upload the file again"},
	"people.import.errors":           {"下载错误报告（含错误原因）", "Download the error report (with 错误原因)"},
	"people.import.again":            {"再导入一个文件", "Import another file"},
	"people.import.list":             {"查看职工名册", "Go to the worker list"},
	"people.import.org_ambiguous":    {"所属工会：有多个名为“%s”的工会，请改填工会编号", "Union: several unions are called “%s”; use the union's number instead"},
}

// importLabel is the Chinese text of an import message.
func importLabel(key string) string {
	if m, ok := importMessages[key]; ok {
		return m[0]
	}
	return label(key)
}

// MessageZH renders a people catalogue key (import keys included) in Chinese,
// for command-line output; an unknown key is returned as is.
func MessageZH(key string, args ...any) string {
	m, ok := importMessages[key]
	if !ok {
		if m, ok = Messages[key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return m[0]
	}
	return fmt.Sprintf(m[0], args...)
}

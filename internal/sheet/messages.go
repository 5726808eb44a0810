package sheet

// Messages is the sheet package's part of the catalogue: key → {zh-CN, en}. Keys with
// verbs (%s, %d) are used as an error's Message with Args. Row reasons and template
// texts are rendered in Chinese only, since they go into Chinese spreadsheets.
var Messages = map[string][2]string{
	// Whole-file errors: one clear message, nothing imported.
	"sheet.err.empty":           {"文件是空的：请填写数据后再上传", "The file is empty: fill in some rows and upload it again"},
	"sheet.err.too_big":         {"文件超过 %s 的大小上限：请拆分成几个文件后分别上传", "The file is larger than the %s limit: split it into several files and upload them one by one"},
	"sheet.err.too_many_rows":   {"文件超过 %d 行的上限：请拆分成几个文件后分别上传", "The file has more than %d rows: split it into several files and upload them one by one"},
	"sheet.err.wrong_type":      {"无法识别的文件类型：请在 Excel 或 WPS 中另存为 .xlsx 或 .csv 后再上传", "This is not a spreadsheet we can read: save it as .xlsx or .csv in Excel or WPS and upload it again"},
	"sheet.err.xls":             {"这是旧版 .xls 文件或加了密码的文件：请取消密码，另存为 .xlsx 或 .csv 后再上传", "This is an old .xls file or a password-protected file: remove the password, save it as .xlsx or .csv and upload it again"},
	"sheet.err.broken":          {"文件已损坏，无法读取：请在 Excel 或 WPS 中打开，另存为 .xlsx 后再上传", "The file is damaged and cannot be read: open it in Excel or WPS, save it as .xlsx and upload it again"},
	"sheet.err.no_header":       {"没有找到表头：表格前几行中应有这些列名：%s。请使用下载的模板填写", "No header row found: one of the first rows should hold these column names: %s. Please fill in the downloaded template"},
	"sheet.err.missing_columns": {"缺少必填列：%s。请在表头中加上这些列后再上传", "Required columns are missing: %s. Add them to the header row and upload again"},

	// Row reasons (Chinese, in the error report).
	"sheet.row.text_number": {"“%s”被 Excel 存成了数字（%s），长数字会丢失末几位：该列必须设置为文本格式，请把该列设为文本后重新输入", "“%s” was stored by Excel as a number (%s), which loses the last digits of long numbers: the column must be formatted as text; format it as text and type the value again"},
	"sheet.row.duplicate":   {"与第 %s 行重复：同一文件中只能出现一次，请删除或改正其中一行", "Same as row %s: it may appear only once in a file; delete or correct one of the rows"},
	"sheet.row.bad_date":    {"“%s”不是有效日期：请写成 2024-01-02 这样的格式", "“%s” is not a valid date: write it like 2024-01-02"},

	// Spreadsheet texts.
	"sheet.report.line":         {"原行号", "Original row"},
	"sheet.report.reason":       {"错误原因", "What is wrong"},
	"sheet.template.guide":      {"填写说明", "How to fill in"},
	"sheet.template.column":     {"列名", "Column"},
	"sheet.template.required":   {"必填", "Required"},
	"sheet.template.optional":   {"选填", "Optional"},
	"sheet.template.text":       {"请按文本填写（已设为文本格式）", "Entered as text (the column is formatted as text)"},
	"sheet.template.choices":    {"可选值", "Choices"},
	"sheet.template.hint":       {"说明", "Notes"},
	"sheet.template.intro":      {"带 * 的列必须填写；表头不要修改，列的顺序可以调整，多余的列会被忽略。", "Columns marked * are required; keep the header names, the order may change and extra columns are ignored."},
	"sheet.template.pick":       {"请从下拉列表中选择", "Pick a value from the list"},
	"sheet.template.pick_title": {"输入有误", "Invalid entry"},
}

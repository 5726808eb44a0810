package people

import "fmt"

// importMessages is the roster import's part of the catalogue (zh-CN, en),
// merged by mountImport. Row reasons are rendered in Chinese for the report.
var importMessages = map[string][2]string{
	"people.import.member_invalid": {"是否会员：请填写“是”或“否”", "Member: write 是 (yes) or 否 (no)"},
	"people.import.date_invalid":   {"入会日期：“%s”不是有效日期，请写成 2020-05-01 这样的格式", "Joined: “%s” is not a date; write it like 2020-05-01"},
	"people.import.org_missing":    {"所属工会：请填写工会全称，或在导入页面选择默认工会", "Union: write the union's full name, or choose a default union on the import page"},
	"people.import.org_unknown":    {"所属工会：找不到名为“%s”的工会，请核对全称或填写工会编号", "Union: there is no union called “%s”; check the full name or use the union's number"},
	"people.import.org_scope":      {"所属工会：“%s”不在您的管辖范围内，不能导入该工会的职工，请交由其上级工会导入", "Union: “%s” is outside your scope, so you cannot import its workers; ask a union above it to import them"},
	"people.import.org_ambiguous":  {"所属工会：有多个名为“%s”的工会，请改填工会编号", "Union: several unions are called “%s”; use the union's number instead"},
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

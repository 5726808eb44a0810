package org

// Messages is the org package's part of the catalogue: key → {zh-CN, en}. Keys whose
// text has verbs (%d, %s) are used as an error's Message with Args, never as a
// field message, which has no arguments.
var Messages = map[string][2]string{
	// Levels and statuses.
	"org.level.city":       {"市总工会", "City federation"},
	"org.level.district":   {"县(市)区总工会", "District federation"},
	"org.level.industry":   {"产业工会", "Industry union"},
	"org.level.grassroots": {"基层工会", "Grassroots union"},
	"org.level.group":      {"工会小组", "Union group"},
	"org.status.active":    {"正常", "Active"},
	"org.status.closed":    {"已撤销", "Closed"},

	// Field names, for forms and audit summaries.
	"org.field.name":          {"名称", "Name"},
	"org.field.level":         {"层级", "Level"},
	"org.field.parent_id":     {"上级组织", "Parent union"},
	"org.field.area_code":     {"行政区划代码", "Area code"},
	"org.field.contact_name":  {"联系人", "Contact person"},
	"org.field.contact_phone": {"联系电话", "Contact phone"},
	"org.field.employer_name": {"单位名称", "Employer name"},
	"org.field.credit_code":   {"统一社会信用代码", "Unified social credit code"},
	"org.field.headcount":     {"职工人数", "Headcount"},
	"org.field.address":       {"单位地址", "Address"},
	"org.field.location":      {"地图位置", "Map location"},
	"org.field.lng":           {"经度", "Longitude"},
	"org.field.lat":           {"纬度", "Latitude"},
	"org.field.joint":         {"联合工会", "Joint union"},
	"org.field.reason":        {"撤销原因", "Reason for closing"},
	"org.audit.changed":       {"已修改", "changed"},

	// Name and contacts.
	"org.err.name_required":         {"请填写工会组织名称", "Enter the union's name"},
	"org.err.name_too_long":         {"名称不能超过100个字", "Keep the name to 100 characters or fewer"},
	"org.err.contact_name_too_long": {"联系人不能超过100个字", "Keep the contact name to 100 characters or fewer"},
	"org.err.contact_phone_format":  {"联系电话只能包含数字、空格、+、-和括号，5到20位，例如 0591-87654321", "Enter a phone number of 5 to 20 digits, spaces, +, - or brackets, e.g. 0591-87654321"},
	"org.err.level_invalid":         {"请选择层级：市总工会、县(市)区总工会、产业工会、基层工会或工会小组", "Choose a level: city, district, industry, grassroots or group"},
	"org.err.level_parent":          {"该层级不能建在所选上级下：县区和产业工会属于市总工会，基层工会属于县区或产业工会，工会小组属于基层工会", "This level cannot sit under the chosen parent: districts and industries go under the city, grassroots unions under a district or industry, groups under a grassroots union"},
	"org.err.parent_required":       {"请选择上级工会组织", "Choose the parent union"},
	"org.err.parent_closed":         {"所选上级组织已撤销，请选择一个正常的上级组织", "The chosen parent union is closed; choose an active one"},
	"org.err.parent_changed":        {"上级组织刚被他人调整，请刷新页面后重试", "Someone has just changed the parent union; reload the page and try again"},
	"org.err.root_forbidden":        {"市总工会只能由系统管理员在命令行中创建", "Only a system administrator can create a city federation, from the command line"},
	"org.err.stale":                 {"该组织刚被他人修改过，请刷新页面查看最新内容后再保存", "Someone else has just changed this union; reload the page to see their changes, then save again"},
	"org.err.own_org":               {"不能对本单位执行此操作，请由上级组织办理", "You cannot do this to your own union; ask the union above you"},

	// Area codes.
	"org.err.area_code_required": {"请填写6位行政区划代码，例如 350102", "Enter the 6-digit area code, e.g. 350102"},
	"org.err.area_code_format":   {"行政区划代码应为6位数字，例如 350102", "An area code is 6 digits, e.g. 350102"},
	"org.err.area_code_province": {"行政区划代码前两位不是有效的省级代码，请对照 GB/T 2260 核对", "The first two digits are not a province code; check it against GB/T 2260"},
	"org.err.area_code_city":     {"县区的行政区划代码必须属于本市（前4位与市的代码相同），且不能与市的代码相同", "A district's area code must lie in the city's area (same first 4 digits) and differ from the city's own code"},

	// Employers and credit codes.
	"org.err.employer_required":      {"基层工会须填写所在单位信息", "Enter the employer this grassroots union belongs to"},
	"org.err.employer_not_allowed":   {"只有基层工会登记所在单位，其他层级请不要填写单位信息", "Only grassroots unions have an employer; leave the employer fields empty"},
	"org.err.employer_name_required": {"请填写单位名称", "Enter the employer's name"},
	"org.err.employer_name_too_long": {"单位名称不能超过100个字", "Keep the employer name to 100 characters or fewer"},
	"org.err.credit_code_required":   {"请填写18位统一社会信用代码（联合工会可不填）", "Enter the 18-character unified social credit code (optional for a joint union)"},
	"org.err.credit_code_length":     {"统一社会信用代码应为18位", "A unified social credit code has 18 characters"},
	"org.err.credit_code_length_n":   {"统一社会信用代码应为18位，您填写了%d位，请对照营业执照核对", "A unified social credit code has 18 characters; you entered %d. Check it against the business licence"},
	"org.err.credit_code_char":       {"统一社会信用代码只含数字和大写字母，不含 I、O、Z、S、V", "A credit code has only digits and capital letters, never I, O, Z, S or V"},
	"org.err.credit_code_char_at":    {"统一社会信用代码第%d位“%s”不是有效字符：只能是数字或大写字母（不含 I、O、Z、S、V），请对照营业执照核对", "Character %d (“%s”) of the credit code is not allowed: use digits and capital letters other than I, O, Z, S, V. Check it against the business licence"},
	"org.err.credit_code_area":       {"统一社会信用代码第3至8位应为登记机关的6位行政区划代码，请对照营业执照核对", "Characters 3 to 8 of the credit code must be the registering authority's 6-digit area code; check it against the business licence"},
	"org.err.credit_code_check":      {"统一社会信用代码校验位不符，可能有一位填错，请对照营业执照逐位核对", "The credit code's check character does not match, so a character is probably wrong; compare it with the business licence"},
	"org.err.credit_code_taken":      {"该统一社会信用代码已被另一个基层工会登记，同一单位只能登记一次", "Another grassroots union has already registered this credit code; an employer can be registered only once"},
	"org.err.headcount_range":        {"职工人数应为0到1000000之间的整数", "Enter a headcount between 0 and 1,000,000"},
	"org.err.address_too_long":       {"单位地址不能超过200个字", "Keep the address to 200 characters or fewer"},
	"org.err.coords_pair":            {"经度和纬度要同时填写，或同时留空", "Enter both longitude and latitude, or neither"},
	"org.err.lng_range":              {"经度应在73到136之间（GCJ-02坐标）", "Longitude must be between 73 and 136 (GCJ-02)"},
	"org.err.lat_range":              {"纬度应在3到54之间（GCJ-02坐标）", "Latitude must be between 3 and 54 (GCJ-02)"},

	// Moving, closing, deleting.
	"org.err.move_root":            {"市总工会是最高层级，不能调整上级", "The city federation is the top of the tree and cannot be moved"},
	"org.err.move_into_descendant": {"不能把组织调整到它自己或它的下级组织之下，请选择其他上级组织", "A union cannot move under itself or one of its own sub-unions; choose another parent"},
	"org.err.reason_required":      {"请填写撤销原因", "Enter the reason for closing"},
	"org.err.reason_too_long":      {"撤销原因不能超过200个字", "Keep the reason to 200 characters or fewer"},
	"org.err.already_closed":       {"该组织已经撤销", "This union is already closed"},
	"org.err.not_closed":           {"该组织未撤销，无需恢复", "This union is not closed, so there is nothing to reopen"},
	"org.err.close_children":       {"该组织下还有%d个正常的下级组织，请先将它们撤销或调整到其他上级", "This union still has %d active sub-unions; close them or move them elsewhere first"},
	"org.err.delete_in_use":        {"该组织已有下级组织、账号、职工或业务记录，不能删除；如已不再运行，请改为“撤销”", "This union has sub-unions, accounts, workers or other records and cannot be deleted; close it instead"},
}

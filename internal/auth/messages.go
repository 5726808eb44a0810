package auth

// Messages is the auth package's part of the catalogue: zh-CN, then en. Messages
// with %s or %d take the error's Args (locked: the time HH:MM; rate limits: the
// seconds to wait).
var Messages = map[string][2]string{
	// Roles, permissions and statuses.
	"auth.role.admin":               {"系统管理员", "System administrator"},
	"auth.role.security":            {"安全管理员", "Security administrator"},
	"auth.role.auditor":             {"审计管理员", "Audit administrator"},
	"auth.role.clerk":               {"工作人员", "Staff member"},
	"auth.role.reviewer":            {"审核人员", "Reviewer"},
	"auth.role.expert":              {"评审专家", "Expert"},
	"auth.perm.org.view":            {"查看组织", "View organisations"},
	"auth.perm.org.edit":            {"维护组织", "Edit organisations"},
	"auth.perm.account.view":        {"查看账号", "View accounts"},
	"auth.perm.account.edit":        {"管理账号", "Manage accounts"},
	"auth.perm.audit.view":          {"查看审计日志", "View the audit log"},
	"auth.perm.audit.export":        {"导出审计日志", "Export the audit log"},
	"auth.perm.portal":              {"职工服务", "Worker services"},
	"auth.status.active":            {"正常", "Active"},
	"auth.status.disabled":          {"已停用", "Disabled"},
	"auth.msg.password_expired":     {"您的密码已超过有效期，请设置新密码后继续", "Your password has expired. Set a new one to continue"},
	"auth.msg.must_change_password": {"首次登录或密码被重置后，请先设置您自己的新密码", "Please set a password of your own: this one was given to you"},

	// Account form fields.
	"auth.err.username_required":    {"请填写用户名", "Enter a username"},
	"auth.err.username_length":      {"用户名长度应为 3 到 32 个字符", "Use 3 to 32 characters for the username"},
	"auth.err.username_chars":       {"用户名以字母开头，只能包含字母、数字和 . _ -", "Start the username with a letter and use only letters, digits, '.', '_' and '-'"},
	"auth.err.username_taken":       {"该用户名已被使用，请换一个", "That username is taken: choose another"},
	"auth.err.name_required":        {"请填写姓名", "Enter a name"},
	"auth.err.name_long":            {"不能超过 50 个字", "Use at most 50 characters"},
	"auth.err.role_invalid":         {"请选择一个角色", "Choose a role"},
	"auth.err.org_required":         {"请选择所属组织", "Choose the organisation"},
	"auth.err.org_not_found":        {"所选组织不存在或不在您的管理范围内", "That organisation does not exist or is outside your scope"},
	"auth.err.locale_invalid":       {"请选择简体中文或 English", "Choose 简体中文 or English"},
	"auth.err.password_required":    {"请填写密码", "Enter the password"},
	"auth.err.password_short":       {"密码至少需要 8 个字符", "Use at least 8 characters"},
	"auth.err.password_long":        {"密码不能超过 128 个字符", "Use at most 128 characters"},
	"auth.err.password_classes":     {"密码需包含小写字母、大写字母、数字、符号中的至少三类", "Use at least three of: lower-case letters, upper-case letters, digits, symbols"},
	"auth.err.password_is_username": {"密码不能与用户名相同", "The password must not be the username"},
	"auth.err.password_same":        {"新密码不能与原密码相同", "Choose a new password different from the old one"},
	"auth.err.old_password_wrong":   {"原密码不正确，请重新输入", "The current password is wrong: enter it again"},

	// Permissions and sessions.
	"auth.err.sign_in":          {"请先登录", "Please sign in"},
	"auth.err.forbidden":        {"您没有进行此操作的权限，如需办理请联系安全管理员", "You are not allowed to do this: ask your security administrator"},
	"auth.err.self_reset":       {"不能重置自己的密码，请在“修改密码”中修改", "You cannot reset your own password: use Change password instead"},
	"auth.err.self_edit":        {"不能对自己的账号进行此操作，请联系其他安全管理员", "You cannot do this to your own account: ask another security administrator"},
	"auth.err.session_expired":  {"登录已超时，请重新登录", "Your session has ended: please sign in again"},
	"auth.err.wrong_stage":      {"请按页面提示完成当前登录步骤", "Please finish the sign-in step shown on the page"},
	"auth.err.stale":            {"该账号已被他人修改，请刷新页面后重新编辑", "Someone else changed this account: reload the page and edit again"},
	"auth.err.account_disabled": {"该账号已停用", "This account is disabled"},

	// Staff sign-in.
	"auth.err.bad_credentials": {"用户名或密码不正确", "The username or password is wrong"},
	"auth.err.locked":          {"登录失败次数过多，账号已暂时锁定，请在 %s 之后再试，或联系安全管理员解锁", "Too many failed attempts: try again after %s, or ask your security administrator to unlock the account"},
	"auth.err.login_rate":      {"尝试次数过多，请 %d 秒后再试", "Too many attempts: try again in %d seconds"},
	"auth.err.enrol_first":     {"请先扫描二维码绑定动态口令", "Scan the QR code to add the account to your authenticator first"},
	"auth.err.bad_totp":        {"动态口令不正确，请输入验证器中当前显示的 6 位数字", "The code is wrong: enter the 6 digits your authenticator shows now"},
	"auth.err.totp_reused":     {"该动态口令已使用过，请等待验证器显示新的口令后再输入", "That code was already used: wait for the next one and enter it"},
	"auth.err.demo_only":       {"仅演示环境可查看动态口令", "Codes are shown only in the demo"},

	// Worker SMS sign-in.
	"auth.err.phone_invalid":   {"请输入正确的 11 位手机号码", "Enter an 11-digit mainland mobile number"},
	"auth.err.sms_too_soon":    {"验证码已发送，请 %d 秒后再重新获取", "A code was just sent: you can ask again in %d seconds"},
	"auth.err.sms_rate":        {"获取验证码过于频繁，请 %d 秒后再试", "Too many codes asked for: try again in %d seconds"},
	"auth.err.sms_code_format": {"请输入短信中的 6 位数字验证码", "Enter the 6-digit code from the text message"},
	"auth.err.sms_none":        {"请先获取短信验证码", "Ask for a code first"},
	"auth.err.sms_wrong":       {"验证码不正确，请核对短信后重新输入", "The code is wrong: check the text message and enter it again"},
	"auth.err.sms_expired":     {"验证码已过期，请重新获取", "The code has expired: ask for a new one"},
	"auth.err.sms_used":        {"该验证码已使用过，请重新获取", "That code was already used: ask for a new one"},
	"auth.err.sms_dead":        {"验证码输错次数过多已失效，请重新获取", "Too many wrong tries: ask for a new code"},

	// API tokens.
	"auth.err.token_name_required": {"请为令牌填写一个用途说明", "Give the token a name saying what it is for"},
	"auth.err.token_ttl":           {"有效期应在 1 小时到 366 天之间", "Choose a lifetime between 1 hour and 366 days"},
	"auth.err.token_invalid":       {"接口令牌无效、已过期或已被吊销", "The API token is unknown, expired or revoked"},
}

// Label is the catalogue key of the permission's name.
func (p Perm) Label() string { return "auth.perm." + string(p) }

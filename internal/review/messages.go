package review

// Messages is the review chain's catalogue: zh-CN first, en second. Programmes
// that use the chain add it to the shell's catalogue.
var Messages = map[string][2]string{
	"review.err.changed":             {"该申请已被他人处理或已有更新，请刷新页面后查看", "This item has changed since you opened it (someone else acted on it): reload the page to see it"},
	"review.err.own_item":            {"不能审核自己提交的申请", "You cannot review an item you submitted"},
	"review.err.not_your_step":       {"当前审核环节由%s办理", "This step is decided by %s"},
	"review.err.no_chain":            {"该组织不在审核链上，无法提交", "This union has no review chain above it"},
	"review.err.exists":              {"该申请已在审核中", "This item is already under review"},
	"review.err.amount":              {"金额不能为负数", "The amount cannot be negative"},
	"review.err.amount_only_approve": {"只有通过时才能核定金额", "An amount goes only with an approval"},
	"review.err.reason_required":     {"请填写原因，申请人会看到", "Give a reason: the applicant will read it"},
	"review.err.reason_long":         {"原因不超过500字", "Keep the reason within 500 characters"},
	"review.err.action":              {"请选择审核结果", "Choose a decision"},
	"review.level.grassroots":        {"基层工会", "Grassroots union"},
	"review.level.district":          {"县(市)区总工会", "District federation"},
	"review.level.industry":          {"产业工会", "Industry union"},
	"review.level.city":              {"市总工会", "City federation"},
	"review.step.waiting":            {"未开始", "Waiting"},
	"review.step.pending":            {"审核中", "Reviewing"},
	"review.step.approved":           {"已通过", "Approved"},
	"review.step.returned":           {"退回补充", "Returned"},
	"review.step.rejected":           {"未通过", "Rejected"},
	"review.event.submit":            {"提交申请", "Submitted"},
	"review.event.resubmit":          {"补充后重新提交", "Resubmitted"},
	"review.event.approve":           {"审核通过", "Approved"},
	"review.event.return":            {"退回补充材料", "Returned for more information"},
	"review.event.reject":            {"不予通过", "Rejected"},
	"review.overdue":                 {"已超期", "Overdue"},
}

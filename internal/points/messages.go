package points

// Messages is the points catalogue: zh-CN first, en second.
var Messages = map[string][2]string{
	"points.err.worker":       {"未找到该职工", "Unknown worker"},
	"points.err.amount":       {"积分不能为 0", "Points must not be zero"},
	"points.err.reason":       {"请填写积分原因（200 字以内）", "Give a reason (at most 200 characters)"},
	"points.err.source":       {"积分来源无效", "Invalid points source"},
	"points.err.insufficient": {"积分余额不足", "Not enough points"},
}

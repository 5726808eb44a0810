package photo

// Messages is the photo catalogue: zh-CN first, en second.
var Messages = map[string][2]string{
	"photo.err.empty": {"请选择要上传的照片", "Choose a photo to upload"},
	"photo.err.large": {"照片不能超过 5 MB，请压缩后再上传", "A photo may be at most 5 MB; make it smaller and try again"},
	"photo.err.type":  {"只能上传 JPG 或 PNG 格式的照片", "Only JPG or PNG photos can be uploaded"},
	"photo.err.count": {"每条记录最多上传 9 张照片，请先删除不需要的照片", "A record holds at most 9 photos; remove one first"},
	"photo.label":     {"照片", "Photos"},
	"photo.upload":    {"上传照片", "Upload photo"},
	"photo.remove":    {"删除照片", "Remove photo"},
	"photo.none":      {"暂无照片", "No photos yet"},
	"photo.added":     {"照片已上传", "Photo uploaded"},
	"photo.removed":   {"照片已删除", "Photo removed"},
}

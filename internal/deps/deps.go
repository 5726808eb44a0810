// Package deps pins the modules the project is adding this week so parallel work
// does not race on go.mod; it is removed once every module has a real importer.
package deps

import (
	_ "github.com/chromedp/chromedp"
	_ "github.com/skip2/go-qrcode"
	_ "github.com/xuri/excelize/v2"
	_ "golang.org/x/crypto/argon2"
	_ "golang.org/x/text/language"
)

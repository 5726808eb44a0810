package relief

import (
	"net/http"
	"net/url"
	"strconv"
	"unicode/utf8"

	"zhijia/internal/platform"
	"zhijia/internal/sheet"
	"zhijia/internal/web"
)

// minBankPassword is the shortest password the bank file accepts (characters).
const minBankPassword = 8

// bankFileView is the password form of a batch's bank file.
type bankFileView struct {
	money
	B      *Batch
	Errors map[string]string
	Alert  string
}

// exportBatchForm asks for the password that will encrypt the bank's file.
func (h *Handlers) exportBatchForm(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	return h.renderBankForm(c, http.StatusOK, id, &bankFileView{})
}

func (h *Handlers) renderBankForm(c *web.Ctx, status int, id int64, v *bankFileView) error {
	b, err := h.store.Batch(c.R.Context(), id, false)
	if err != nil {
		return err
	}
	v.B = b
	title := c.T("relief.bank.export_title")
	return c.RenderPage(status, "relief/console/batch_export", &web.Page{Title: title, Crumbs: []web.Crumb{{Label: c.T("relief.menu_group")},
		{Label: c.T("relief.menu.batches"), Href: "/console/relief/batches"},
		{Label: c.T("relief.batch.title"), Href: "/console/relief/batches/" + strconv.FormatInt(id, 10)}, {Label: title}}, Data: v})
}

// exportBatch sends the bank's payment file: payees' real names and full account
// numbers, in a workbook encrypted with the password the user sets, audited as a
// reveal before anything is sent.
func (h *Handlers) exportBatch(c *web.Ctx) error {
	id, err := c.ID("id")
	if err != nil {
		return err
	}
	pw, pw2 := c.R.PostFormValue("password"), c.R.PostFormValue("password2")
	errs := map[string]string{}
	if utf8.RuneCountInString(pw) < minBankPassword {
		errs["password"] = c.T("relief.bank.err_short")
	} else if pw != pw2 {
		errs["password2"] = c.T("relief.bank.err_mismatch")
	}
	if len(errs) > 0 {
		return h.renderBankForm(c, http.StatusUnprocessableEntity, id, &bankFileView{Errors: errs, Alert: c.T("err.invalid")})
	}
	b, err := h.store.ExportBatch(c.R.Context(), id)
	if err != nil {
		if platform.ErrorCode(err) == platform.CodeForbidden {
			return h.renderBankForm(c, http.StatusForbidden, id, &bankFileView{Alert: c.T("relief.err.reveal_forbidden")})
		}
		return err
	}
	x, err := sheet.NewXLSXWriter(c.W, bankHeaders(c))
	if err != nil {
		return err
	}
	x.SetPassword(pw)
	for i, l := range b.Lines {
		if err := x.AddRow(bankRow(c, b, i, l)...); err != nil {
			x.Abort()
			return err
		}
	}
	name := c.T("relief.bank.file", b.ID) + ".xlsx"
	hd := c.W.Header()
	hd.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	hd.Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	hd.Set("Cache-Control", "no-store")
	return x.Close()
}

// bankHeaders are the columns of the bank's batch payment (代发) file.
func bankHeaders(c *web.Ctx) []string {
	keys := []string{"seq", "name", "account", "bank", "amount", "memo", "ref", "union"}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = c.T("relief.bank." + k)
	}
	return out
}

// bankRow is one payment: the payee as given on the application (the worker when
// none was), the account as text so Excel keeps every digit.
func bankRow(c *web.Ctx, b *Batch, i int, l BatchLine) []any {
	name, account := l.Payee.Name, l.Payee.Account
	if name == "" {
		name = l.Name
	}
	if account == "" {
		account = c.T("relief.bank.no_payee")
	}
	return []any{i + 1, name, account, l.Payee.Bank, yuan(l.Amount), c.T("relief.bank.memo_text", l.ApplicationID),
		"ZJ" + strconv.FormatInt(b.ID, 10) + "-" + strconv.FormatInt(l.GrantID, 10), l.Union}
}

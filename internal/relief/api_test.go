package relief_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"zhijia/internal/app/apptest"
	"zhijia/internal/platform"
	"zhijia/internal/platform/dbtest"
	"zhijia/internal/relief"
)

const applyJSON = `{"causes":["illness"],"income":250000,"unavoidable":30000,"medical_costs":8000000,"insurance_paid":3000050,
	"requested":1000000,"statement":"丈夫患病住院","consent":true}`

func decodeApp(t *testing.T, r *apptest.Response) relief.AppJSON {
	t.Helper()
	var a relief.AppJSON
	if err := json.Unmarshal(r.Raw, &a); err != nil {
		t.Fatalf("decode %d %s: %v", r.Status, r.Body, err)
	}
	return a
}

func TestAPI_WorkerAppliesFollowsAndAnswersReturn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		tok := env.WorkerToken(t, "13900000001")
		if r := env.API(t, "", http.MethodGet, "/api/v1/my/relief/applications", "", ""); r.Status != http.StatusUnauthorized {
			t.Fatalf("no token: %d", r.Status)
		}
		if r := env.API(t, tok, http.MethodGet, "/api/v1/my/relief/household", "", ""); r.Status != http.StatusOK || !strings.Contains(r.Body, `"items"`) {
			t.Fatalf("household: %d %s", r.Status, r.Body)
		}
		r := env.API(t, tok, http.MethodPost, "/api/v1/my/relief/applications", "bad-1", `{"causes":[],"requested":0,"consent":false}`)
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "consent") || !strings.Contains(r.Body, "requested") {
			t.Fatalf("invalid application: %d %s", r.Status, r.Body)
		}
		if r := env.API(t, tok, http.MethodPost, "/api/v1/my/relief/applications", "bad-2", `{"causes":`); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("malformed JSON: %d", r.Status)
		}
		noKey, _ := http.NewRequest(http.MethodPost, env.Server.URL+"/api/v1/my/relief/applications", strings.NewReader(applyJSON))
		noKey.Header.Set("Authorization", "Bearer "+tok)
		if r := env.NewClient(t).Do(noKey); r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("a create without an Idempotency-Key: %d", r.Status)
		}
		first := decodeApp(t, env.API(t, tok, http.MethodPost, "/api/v1/my/relief/applications", "k-1", applyJSON))
		again := decodeApp(t, env.API(t, tok, http.MethodPost, "/api/v1/my/relief/applications", "k-1", applyJSON))
		if first.ID == 0 || first.ID != again.ID || first.Status != "pending" || first.Step != "grassroots" || len(first.Steps) != 3 {
			t.Fatalf("apply: %+v / %+v", first, again)
		}
		id := strconv.FormatInt(first.ID, 10)
		other := env.WorkerToken(t, "13900000002")
		if r := env.API(t, other, http.MethodGet, "/api/v1/my/relief/applications/"+id, "", ""); r.Status != http.StatusNotFound {
			t.Fatalf("another worker's application: %d", r.Status)
		}
		grass := env.Staff(t, "grass.clerk")
		if r := decide(t, grass, first.ID, map[string][]string{"action": {"return"}, "reason": {"请补充诊断证明"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("return: %d", r.Status)
		}
		got := decodeApp(t, env.API(t, tok, http.MethodGet, "/api/v1/my/relief/applications/"+id, "", ""))
		if got.Status != "returned" || got.ReturnedFor != "请补充诊断证明" {
			t.Fatalf("after return: %+v", got)
		}
		if r := env.API(t, tok, http.MethodPost, "/api/v1/my/relief/applications/"+id+"/resubmit", "rs-0",
			`{"version":1,"supplement":"已补充"}`); r.Status != http.StatusConflict {
			t.Fatalf("stale version: %d %s", r.Status, r.Body)
		}
		r = env.API(t, tok, http.MethodPost, "/api/v1/my/relief/applications/"+id+"/resubmit", "rs-1",
			`{"version":`+strconv.FormatInt(got.Version, 10)+`,"supplement":"诊断证明已上传"}`)
		if r.Status != http.StatusOK || decodeApp(t, r).Status != "pending" {
			t.Fatalf("resubmit: %d %s", r.Status, r.Body)
		}
		var img bytes.Buffer
		png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 3, 3)))
		for _, c := range []struct {
			data []byte
			want int
		}{{[]byte("plain text"), http.StatusUnprocessableEntity}, {img.Bytes(), http.StatusCreated}} {
			var b bytes.Buffer
			w := multipart.NewWriter(&b)
			fw, _ := w.CreateFormFile("file", "证明.png")
			fw.Write(c.data)
			w.Close()
			req, _ := http.NewRequest(http.MethodPost, env.Server.URL+"/api/v1/my/relief/applications/"+id+"/attachments", &b)
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set("Content-Type", w.FormDataContentType())
			req.Header.Set("Idempotency-Key", "att-"+strconv.Itoa(c.want))
			if r := env.NewClient(t).Do(req); r.Status != c.want {
				t.Errorf("attachment: %d, want %d: %s", r.Status, c.want, r.Body)
			}
		}
		if r := env.API(t, tok, http.MethodPost, "/api/v1/my/relief/objections", "ob-1", `{"application_id":`+id+`,"body":"x"}`); r.Status != http.StatusConflict {
			t.Errorf("objection to an application not on notice: %d", r.Status)
		}
		list := env.API(t, tok, http.MethodGet, "/api/v1/my/relief/applications", "", "")
		if list.Status != http.StatusOK || strings.Count(list.Body, `"id":`+id) != 1 {
			t.Errorf("my list: %d %s", list.Status, list.Body)
		}
	})
}

// The payee travels with the application (the account masked in every answer),
// a bad account is refused on its field, and a returned application can be
// corrected through the API, the changes listed with it.
func TestAPI_PayeeAndCorrectedResubmission(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *platform.DB) {
		env := apptest.New(t, db)
		tok := env.WorkerToken(t, "13900000001")
		withPayee := strings.TrimSuffix(applyJSON, "}") + `,"payee_name":"陈小明","payee_bank":"中国工商银行","payee_account":"6222 0212 3456 7890 128"}`
		bad := strings.Replace(withPayee, "6222 0212 3456 7890 128", "6222-0212", 1)
		if r := env.API(t, tok, http.MethodPost, "/api/v1/my/relief/applications", "p-0", bad); r.Status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "payee_account") {
			t.Fatalf("short account: %d %s", r.Status, r.Body)
		}
		r := env.API(t, tok, http.MethodPost, "/api/v1/my/relief/applications", "p-1", withPayee)
		app := decodeApp(t, r)
		if r.Status != http.StatusCreated || app.Payee == nil || app.Payee.AccountMasked != "6222 **** **** 0128" || strings.Contains(r.Body, "6222021234567890128") {
			t.Fatalf("apply with payee: %d %s", r.Status, r.Body)
		}
		id := strconv.FormatInt(app.ID, 10)
		if r := decide(t, env.Staff(t, "grass.clerk"), app.ID, map[string][]string{"action": {"return"}, "reason": {"申请金额请按发票核减"}}); r.Status != http.StatusSeeOther {
			t.Fatalf("return: %d", r.Status)
		}
		got := decodeApp(t, env.API(t, tok, http.MethodGet, "/api/v1/my/relief/applications/"+id, "", ""))
		version := strconv.FormatInt(got.Version, 10)
		amend := `{"income":250000,"unavoidable":30000,"medical_costs":8000000,"insurance_paid":3000050,"requested":%d,"statement":"丈夫患病住院","payee_name":"陈小明","payee_bank":"中国工商银行"}`
		if r := env.API(t, tok, http.MethodPost, "/api/v1/my/relief/applications/"+id+"/resubmit", "rs-1",
			`{"version":`+version+`,"amend":`+fmt.Sprintf(amend, 0)+`}`); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "requested") {
			t.Fatalf("corrected to nothing requested: %d %s", r.Status, r.Body)
		}
		r = env.API(t, tok, http.MethodPost, "/api/v1/my/relief/applications/"+id+"/resubmit", "rs-2",
			`{"version":`+version+`,"amend":`+fmt.Sprintf(amend, 600000)+`}`)
		done := decodeApp(t, r)
		if r.Status != http.StatusOK || done.Status != "pending" || done.Requested != 600000 || len(done.Changes) != 1 ||
			done.Changes[0].Field != "requested" || done.Changes[0].Before != "1000000" || done.Payee.AccountMasked != "6222 **** **** 0128" {
			t.Fatalf("corrected resubmission: %d %s", r.Status, r.Body)
		}
	})
}

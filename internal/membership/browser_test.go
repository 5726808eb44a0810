package membership_test

// Real-browser test of the card checker: headless Chromium opens /verify with a
// card token in the fragment and checks it with WebCrypto, then again with the
// server gone, from what the service worker kept. Runs only with
// ZHIJIA_TEST_BROWSER=1 (CI sets it), on SQLite: it is about the page.

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"zhijia/internal/app/apptest"
	"zhijia/internal/membership"
	"zhijia/internal/platform/dbtest"
)

// startBrowser starts a fresh headless Chromium for one test; it skips unless
// ZHIJIA_TEST_BROWSER is set and fails when Chromium is missing or will not start.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	if os.Getenv("ZHIJIA_TEST_BROWSER") == "" {
		t.Skip("browser tests SKIPPED: set ZHIJIA_TEST_BROWSER=1 (needs Chromium) to run them")
	}
	execPath := "/usr/bin/chromium"
	if _, err := os.Stat(execPath); err != nil {
		if execPath, err = exec.LookPath("chromium"); err != nil {
			t.Fatal("ZHIJIA_TEST_BROWSER is set but Chromium is not installed")
		}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "zh-CN"), chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.UserDataDir(t.TempDir()),
	)
	timeoutCtx, cancelTimeout := context.WithTimeout(context.Background(), 60*time.Second)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(timeoutCtx, opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelTab(); cancelAlloc(); cancelTimeout() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("ZHIJIA_TEST_BROWSER is set but Chromium (%s) did not start: %v", execPath, err)
	}
	return ctx
}

// check opens the checker with token and returns the verdict the page shows
// (its data-state) and the visible text of the checker.
func check(t *testing.T, ctx context.Context, base, token string) (state, text string) {
	t.Helper()
	// A blank page first: a change of fragment alone would not load the page again.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Navigate(base+"/verify#"+token)))
	if err != nil {
		t.Fatalf("open /verify: %v", err)
	}
	// The page's JavaScript context can be replaced once while the service worker
	// takes the page over; a poll that loses its context polls again.
	for try := 0; try < 3; try++ {
		state, err = chromedp.Run(ctx, chromedp.Poll[string](
			`(function(){var s=document.getElementById("verify").getAttribute("data-state");return s&&s}())`,
			chromedp.WithPollingTimeout(10*time.Second)))
		if err == nil || !strings.Contains(err.Error(), "Cannot find context") {
			break
		}
	}
	if err != nil {
		t.Fatalf("the checker gave no verdict: %v", err)
	}
	text, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#verify"), chromedp.NodeVisible))
	if err != nil {
		t.Fatal(err)
	}
	// Exactly one verdict is on screen, and it is the one the state names.
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`["v-valid","v-expired","v-invalid","v-empty"].filter(function(id){
		return getComputedStyle(document.getElementById(id)).display !== "none"})`))
	if err != nil {
		t.Fatal(err)
	}
	if len(shown) != 1 || shown[0] != "v-"+state {
		t.Fatalf("verdict %q, but the page shows %v:\n%s", state, shown, text)
	}
	return state, text
}

func TestBrowser_VerifyCardOffline(t *testing.T) {
	ctx := startBrowser(t)
	env := apptest.New(t, dbtest.SQLite(t))
	signer, err := env.App.Keys.Signer()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	valid, _ := membership.SignCard(signer, membership.NewClaims(7, "陈小明", "福州某某工会委员会", "2024-05-01", now))
	expired, _ := membership.SignCard(signer, membership.NewClaims(7, "陈小明", "福州某某工会委员会", "2024-05-01", now.Add(-48*time.Hour)))
	p, sig, _ := strings.Cut(valid, ".")
	forged, _ := membership.SignCard(signer, membership.NewClaims(8, "林秀英", "福州某某工会委员会", "2024-05-01", now))
	fp, _, _ := strings.Cut(forged, ".")
	base := env.Server.URL

	for _, c := range []struct {
		name, token, state string
		texts              []string
	}{
		{"valid", valid, "valid", []string{"陈*明", "福州某某工会委员会", "2024-05-01", "有效", "离线可核验"}},
		{"other name, same signature", fp + "." + sig, "invalid", []string{"无效"}},
		{"cut signature", p + "." + sig[:len(sig)-4], "invalid", []string{"无效"}},
		{"expired", expired, "expired", []string{"陈*明", "已过期"}},
		{"no token", "", "empty", []string{"请用手机相机扫描"}},
	} {
		state, text := check(t, ctx, base, c.token)
		if state != c.state {
			t.Fatalf("%s: verdict %q, want %q; page shows:\n%s", c.name, state, c.state, text)
		}
		for _, w := range c.texts {
			if !strings.Contains(text, w) {
				t.Fatalf("%s: page should show %q; it shows:\n%s", c.name, w, text)
			}
		}
		if c.state == "invalid" && strings.Contains(text, "陈*明") {
			t.Fatalf("%s: a bad token must not show a name:\n%s", c.name, text)
		}
	}

	// The service worker has kept the checker: with the server gone it still works.
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`navigator.serviceWorker.ready.then(function(){return true})`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("service worker: %v", err)
	}
	env.Server.CloseClientConnections()
	env.Server.Close()
	state, text := check(t, ctx, base, valid)
	if state != "valid" || !strings.Contains(text, "陈*明") {
		t.Fatalf("offline: verdict %q; page shows:\n%s", state, text)
	}
}

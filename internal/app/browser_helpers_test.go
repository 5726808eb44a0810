package app_test

// Helpers for the real-browser tests in browser_test.go: starting Chromium
// through chromedp, filling and submitting forms, reading what the user sees
// and keeping screenshots as test artefacts.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"zhijia/internal/app"
	"zhijia/internal/app/apptest"
)

// browserTimeout bounds each browser test, start-up included.
const browserTimeout = 60 * time.Second

// Viewports: a desktop console and a phone held upright.
const (
	consoleWidth, consoleHeight = 1280, 900
	phoneWidth, phoneHeight     = 390, 844
)

// newBrowser starts a fresh headless Chromium for one test, with the console
// window size or, when mobile, a phone viewport. It skips the test unless
// ZHIJIA_TEST_BROWSER is set, and fails it when Chromium is missing or will not
// start: CI sets the variable, so a broken browser must never pass as a skip.
func newBrowser(t *testing.T, mobile bool) (context.Context, context.CancelFunc) {
	t.Helper()
	if os.Getenv("ZHIJIA_TEST_BROWSER") == "" {
		t.Skip("browser tests SKIPPED: set ZHIJIA_TEST_BROWSER=1 (needs Chromium) to run them")
	}
	return startBrowser(t, mobile)
}

// startBrowser is newBrowser without the gate (the screenshot tool has its own).
func startBrowser(t *testing.T, mobile bool) (context.Context, context.CancelFunc) {
	t.Helper()
	execPath := findChromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// The users are Chinese: the browser asks for zh-CN as theirs would
		// (headless Chromium otherwise sends en-US and the app answers in English).
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(consoleWidth, consoleHeight),
	)
	timeoutCtx, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(timeoutCtx, opts...)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	cancel := func() { cancelTab(); cancelAlloc(); cancelTimeout() }
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("ZHIJIA_TEST_BROWSER is set but Chromium (%s) did not start: %v", execPath, err)
	}
	if mobile {
		setViewport(t, ctx, phoneWidth, phoneHeight, true)
	}
	return ctx, cancel
}

// findChromium looks for the browser on PATH the way a developer would name it.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("ZHIJIA_TEST_BROWSER is set but no chromium, chromium-browser or google-chrome is on PATH")
	return ""
}

// setViewport emulates a screen of w×h CSS pixels at scale 1; mobile also turns
// on the mobile viewport rules and touch input.
func setViewport(t *testing.T, ctx context.Context, w, h int64, mobile bool) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: w, Height: h, DeviceScaleFactor: 1, Mobile: mobile,
	}); err != nil {
		t.Fatalf("set viewport %dx%d: %v", w, h, err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled,
		emulation.SetTouchEmulationEnabledParams{Enabled: mobile}); err != nil {
		t.Fatalf("touch emulation: %v", err)
	}
}

// artifactDir is where screenshots go: $ZHIJIA_TEST_ARTIFACTS, else the test's
// artefact directory (kept with `go test -artifacts`, a temporary one otherwise).
func artifactDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("ZHIJIA_TEST_ARTIFACTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.ArtifactDir()
}

// shot saves a full-page PNG named browser-<name>.png and logs where it went.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, fullPagePNG())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(artifactDir(t), "browser-"+name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// fullPagePNG captures the whole scrollable page, not only the viewport.
func fullPagePNG() chromedp.Action[[]byte] {
	return func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		m, err := cdp.Call(ctx, tg, page.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		clip := &page.Viewport{Width: m.CSSContentSize.Width, Height: m.CSSContentSize.Height, Scale: 1}
		if m.CSSLayoutViewport != nil {
			clip.Width = max(clip.Width, float64(m.CSSLayoutViewport.ClientWidth))
		}
		res, err := cdp.Call(ctx, tg, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format: page.CaptureScreenshotFormatPng, Clip: clip,
			CaptureBeyondViewport: new(true), FromSurface: new(true),
		})
		return res.Data, err
	}
}

// viewportPNG saves exactly what the viewport shows to path (for the docs).
func viewportPNG(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", path, err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// do runs browser steps and fails the test with what was being done.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// open loads path on the test server and waits for the page to be ready.
func open(t *testing.T, ctx context.Context, env *apptest.Env, path string) {
	t.Helper()
	do(t, ctx, "open "+path, chromedp.Navigate(env.Server.URL+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// fill replaces a field's value by typing, as a user would.
func fill(t *testing.T, ctx context.Context, sel, value string) {
	t.Helper()
	// SetValue(sel, "") fails in chromedp v0.23 ("could not set value"), so the
	// old value (kept by a re-rendered form) is cleared by a script.
	clear := `document.querySelector(` + strconv.Quote(sel) + `).value = ""`
	do(t, ctx, "type into "+sel,
		chromedp.WaitVisible(chromedp.CSS(sel)),
		chromedp.Evaluate[chromedp.Void](clear),
		chromedp.SendKeys(chromedp.CSS(sel), value))
}

// press clicks (or, on a touch screen, taps) the element and waits for the page
// it leads to — a redirect or the same form shown again — to finish loading.
func press(t *testing.T, ctx context.Context, sel string, touch bool) {
	t.Helper()
	act := chromedp.Click(chromedp.CSS(sel))
	if touch {
		act = chromedp.Tap(chromedp.CSS(sel))
	}
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, act)); err != nil {
		t.Fatalf("press %s: %v", sel, err)
	}
	do(t, ctx, "page after "+sel, chromedp.WaitReady(chromedp.CSS("body")))
}

// submit presses the submit button of the form posting to action.
func submit(t *testing.T, ctx context.Context, action string) {
	t.Helper()
	press(t, ctx, `form[action="`+action+`"] button[type=submit]`, false)
}

// wantPath checks the address bar shows path (query and host ignored).
func wantPath(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	got := strings.TrimPrefix(loc, "http://")
	if i := strings.IndexByte(got, '/'); i >= 0 {
		got = got[i:]
	}
	if i := strings.IndexByte(got, '?'); i >= 0 {
		got = got[:i]
	}
	if got != path {
		t.Fatalf("location = %s, want path %s\npage text:\n%s", loc, path, textOf(t, ctx, "body"))
	}
}

// textOf is the visible text of the first element matching sel.
func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	// The page's own innerText, read once the node shows: chromedp.Text reads
	// its mirror of the DOM, which can lag the page and come back empty.
	err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel)))
	var s string
	if err == nil {
		s, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(`+strconv.Quote(sel)+`).innerText`))
	}
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// wantText checks the visible text of sel contains every one of want.
func wantText(t *testing.T, ctx context.Context, sel string, want ...string) {
	t.Helper()
	got := textOf(t, ctx, sel)
	for _, w := range want {
		if !strings.Contains(got, w) {
			where, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.documentElement.outerHTML.slice(0, 3000)`))
			t.Fatalf("%s should show %q; it shows:\n%s\n(page %s)", sel, w, got, where)
		}
	}
}

// signInStaff signs a demo staff account in through the real pages: password,
// then the one-time code the demo table shows, ending on the console home.
func signInStaff(t *testing.T, ctx context.Context, env *apptest.Env, username string) {
	t.Helper()
	env.Clock.Advance(31 * time.Second) // a fresh TOTP step: codes are single-use
	open(t, ctx, env, "/login")
	fill(t, ctx, `form[action="/login"] input[name=username]`, username)
	fill(t, ctx, `form[action="/login"] input[name=password]`, app.DemoPassword)
	submit(t, ctx, "/login")
	wantPath(t, ctx, "/login/totp")
	fill(t, ctx, `form[action="/login/totp"] input[name=code]`, currentCode(t, env, username))
	submit(t, ctx, "/login/totp")
	wantPath(t, ctx, "/console")
}

// currentCode is the account's TOTP code now, as its authenticator would show.
func currentCode(t *testing.T, env *apptest.Env, username string) string {
	t.Helper()
	code, err := env.App.Auth.CurrentCode(context.Background(), username)
	if err != nil || len(code) != 6 {
		t.Fatalf("current code of %s: %q %v", username, code, err)
	}
	return code
}

// signInWorker signs a worker in on the portal with the demo SMS code shown on the page.
func signInWorker(t *testing.T, ctx context.Context, env *apptest.Env, phone string) {
	t.Helper()
	env.Clock.Advance(61 * time.Second) // one SMS code a minute per phone
	const phoneForm, loginForm = `form[action="/portal/login/code"]`, `form[action="/portal/login"]`
	open(t, ctx, env, "/portal/login")
	fill(t, ctx, phoneForm+` input[name=phone]`, phone)
	press(t, ctx, phoneForm+` button[type=submit]`, true)
	fill(t, ctx, loginForm+` input[name=code]`, textOf(t, ctx, "#demo-sms-code"))
	press(t, ctx, loginForm+` button[type=submit]`, true)
	wantPath(t, ctx, "/portal")
}
